/**
 * Start-up steps: sweep segment files the manifest does not list (temp files, uncommitted
 * flushes, retired segments whose delete was interrupted), replay WAL batches into the tail,
 * and rebuild the idempotency keys from the WAL and from recent segments.
 */
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseDuration } from '../../core/index.ts';
import type { SegmentInfo } from '../types.ts';
import { literal } from './columns.ts';
import { DECODE_DEDUP } from './stored-columns.ts';
import type { StoreContext } from './context.ts';
import { isNotFound } from './fsutil.ts';
import { firstLine, quarantineSegment } from './quarantine.ts';
import { findDamaged } from './segment-probe.ts';
import type { WalReplay } from './wal-replay.ts';

/**
 * Deletes files under segments/ that are not live (nor quarantined ones that could not be moved
 * aside); removes empty directories. Returns files deleted.
 */
export async function sweepOrphans(dataDir: string, live: ReadonlyMap<string, SegmentInfo>, quarantined: Iterable<{ path: string }> = []): Promise<number> {
  const keep = new Set([...live.values(), ...quarantined].map((s) => s.path));
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

/** stat calls in flight while checking segment files at start */
const STAT_PARALLEL = 32;

/** Quarantines live segments whose file is missing (named in the log); returns how many. */
export async function quarantineMissingSegments(ctx: StoreContext): Promise<number> {
  const segs = ctx.snapshots.current.segments;
  const bad: { seg: SegmentInfo; reason: string }[] = [];
  for (let i = 0; i < segs.length; i += STAT_PARALLEL) {
    await Promise.all(
      segs.slice(i, i + STAT_PARALLEL).map((seg) =>
        stat(join(ctx.dataDir, seg.path)).then(
          () => undefined,
          (e: unknown) => {
            bad.push({ seg, reason: isNotFound(e) ? 'The segment file is missing at start' : `The segment file cannot be read at start: ${firstLine(e)}` });
          },
        ),
      ),
    );
  }
  let n = 0;
  for (const b of bad) if (await quarantineSegment(ctx, b.seg, b.reason)) n++;
  return n;
}

/**
 * Remembers dedup keys of segments created or holding events within the dedup window. A batch
 * that cannot be read has its damaged segments quarantined and is read again without them.
 */
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
      let part = segs.slice(i, i + 200);
      // each failed round quarantines at least one segment of the part, so this ends
      for (;;) {
        if (part.length === 0) break;
        try {
          n += await rememberKeys(ctx, con, part, now);
          break;
        } catch (err) {
          const bad = await findDamaged(con, ctx.dataDir, part, err);
          if (bad.length === 0) throw err;
          for (const d of bad) await quarantineSegment(ctx, d.seg, d.reason);
          const gone = new Set(bad.map((d) => d.seg.id));
          part = part.filter((s) => !gone.has(s.id));
        }
      }
    }
  } finally {
    con.closeSync();
  }
  return n;
}

async function rememberKeys(ctx: StoreContext, con: DuckDBConnection, part: readonly SegmentInfo[], now: number): Promise<number> {
  const byFile = new Map(part.map((s) => [join(ctx.dataDir, s.path), Math.max(s.createdAt, Math.min(s.maxTs, now))]));
  const files = [...byFile.keys()].map(literal).join(', ');
  const reader = await con.runAndReadAll(
    `SELECT ${DECODE_DEDUP} AS k, filename FROM read_parquet([${files}], hive_partitioning = false, union_by_name = true, filename = true) WHERE k IS NOT NULL`,
  );
  const rows = reader.getRowsJS();
  // remembered only once the whole part was read (a failed read is retried without its damaged files)
  for (const [key, file] of rows) ctx.dedup.remember(String(key), byFile.get(String(file)) ?? now);
  return rows.length;
}
