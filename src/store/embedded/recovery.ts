/**
 * Start-up steps: sweep segment files the manifest does not list (temp files, uncommitted
 * flushes, retired segments whose delete was interrupted), replay WAL batches into the tail,
 * and rebuild the idempotency keys from the WAL and from recent segments.
 */
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseDuration } from '../../core/index.ts';
import type { SegmentInfo } from '../types.ts';
import { literal } from './columns.ts';
import { DECODE_DEDUP } from './stored-columns.ts';
import type { StoreContext } from './context.ts';
import { isNotFound } from './fsutil.ts';
import type { WalReplay } from './wal-replay.ts';

/** Deletes files under segments/ that are not live; removes empty directories. Returns files deleted. */
export async function sweepOrphans(dataDir: string, live: ReadonlyMap<string, SegmentInfo>): Promise<number> {
  const keep = new Set([...live.values()].map((s) => s.path));
  let deleted = 0;
  const walk = async (dir: string): Promise<boolean> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
    let empty = true;
    for (const ent of entries) {
      const p = join(dir, ent.name);
      if (ent.isDirectory()) {
        if (await walk(p)) await rmdir(p).catch(() => undefined);
        else empty = false;
      } else if (!keep.has(relative(dataDir, p).split(sep).join('/'))) {
        await rm(p, { force: true });
        deleted++;
      } else empty = false;
    }
    return empty;
  };
  await walk(join(dataDir, 'segments'));
  return deleted;
}

/** Loads replayed WAL batches into the tail and remembers their idempotency keys. */
export async function replayIntoTail(ctx: StoreContext, replay: WalReplay, now: number): Promise<void> {
  const loads: Promise<void>[] = [];
  for (const b of replay.batches) {
    const text = b.payload.toString('utf8');
    let rows = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      rows++;
      try {
        const k = (JSON.parse(line) as { dedupKey?: unknown }).dedupKey;
        if (typeof k === 'string' && k !== '') ctx.dedup.remember(k, now);
      } catch {
        // a frame with a valid CRC but bad JSON cannot happen unless written so; the load reports it
      }
    }
    loads.push(
      ctx.tail.load(b.payload, b.walNo, rows, b.offset).then(
        () => void (ctx.counters.replayedEvents += rows),
        (err: unknown) => {
          ctx.counters.replayErrors++;
          ctx.log.error({ err, wal: b.walNo, frameOffset: b.offset }, 'Could not load a WAL batch into the tail; it stays in the WAL and is retried');
        },
      ),
    );
  }
  await Promise.all(loads);
}

/** Remembers dedup keys of segments created or holding events within the dedup window. */
export async function rebuildDedupFromSegments(ctx: StoreContext, now: number): Promise<number> {
  const windowMs = parseDuration(ctx.config.dedupWindow, 'dedupWindow');
  const cutoff = now - windowMs;
  const segs = ctx.snapshots.current.segments
    .filter((s) => s.maxTs >= cutoff || s.createdAt >= cutoff)
    .sort((a, b) => a.createdAt - b.createdAt);
  if (segs.length === 0) return 0;
  const con = await ctx.tail.connect();
  let n = 0;
  try {
    for (let i = 0; i < segs.length; i += 200) {
      const part = segs.slice(i, i + 200);
      const byFile = new Map(part.map((s) => [join(ctx.dataDir, s.path), Math.max(s.createdAt, Math.min(s.maxTs, now))]));
      const files = [...byFile.keys()].map(literal).join(', ');
      const reader = await con.runAndReadAll(
        `SELECT ${DECODE_DEDUP} AS k, filename FROM read_parquet([${files}], hive_partitioning = false, union_by_name = true, filename = true) WHERE k IS NOT NULL`,
      );
      for (const [key, file] of reader.getRowsJS()) {
        ctx.dedup.remember(String(key), byFile.get(String(file)) ?? now);
        n++;
      }
    }
  } finally {
    con.closeSync();
  }
  return n;
}
