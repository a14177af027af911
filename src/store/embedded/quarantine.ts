/**
 * Segments that cannot be read (damaged or missing file) leave the live set instead of failing
 * every query that touches them: the file is moved to `quarantine/<its path>` (so
 * `quarantine/segments/source=.../<id>.parquet`), a `quarantine` manifest line (fsynced) records
 * what it held and why, and a new snapshot without it is published. Queries overlapping a
 * quarantined segment's source and ts range then say they are partial (`partialStats`).
 */
import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { MissingRange, QueryStats, SegmentInfo, StoreQuery } from '../types.ts';
import type { StoreContext } from './context.ts';
import { fsyncDir, isNotFound } from './fsutil.ts';
import type { QuarantinedSegment } from './manifest.ts';
import { selectSegments } from './segment-select.ts';

export const QUARANTINE_DIR = 'quarantine';
/** longest reason kept in the manifest and the log */
const MAX_REASON = 500;
/** most missing ranges listed in one query's stats */
const MAX_MISSING = 100;

/** quarantines in progress per store, by segment id (two queries failing on one file quarantine it once) */
const inFlight = new WeakMap<StoreContext, Map<string, Promise<boolean>>>();

/** The first line of an error's message (DuckDB appends the SQL around the error position after it). */
export function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n', 1)[0]!.slice(0, MAX_REASON);
}

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

async function moveAside(ctx: StoreContext, seg: SegmentInfo): Promise<string | undefined> {
  const from = join(ctx.dataDir, seg.path);
  const rel = `${QUARANTINE_DIR}/${seg.path}`;
  const to = join(ctx.dataDir, rel);
  try {
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to);
    await fsyncDir(dirname(to));
    await fsyncDir(dirname(from));
    return rel;
  } catch (err) {
    // moved by an earlier attempt that crashed before its manifest line
    if (isNotFound(err) && (await exists(to))) return rel;
    // left in place: the manifest line still takes it out of the live set (and the sweep at start keeps it)
    if (!isNotFound(err)) ctx.log.warn({ err, path: seg.path }, 'Could not move a damaged segment to quarantine; it stays in place');
    return undefined;
  }
}

async function doQuarantine(ctx: StoreContext, seg: SegmentInfo, reason: string): Promise<boolean> {
  if (!ctx.snapshots.current.segments.some((s) => s.id === seg.id)) return false; // retired or quarantined meanwhile
  const movedTo = await moveAside(ctx, seg);
  const q: QuarantinedSegment = {
    id: seg.id, path: seg.path, source: seg.source, partition: seg.partition, minTs: seg.minTs, maxTs: seg.maxTs,
    rows: seg.rows, bytes: seg.bytes, reason: reason.slice(0, MAX_REASON), at: Date.now(), ...(movedTo ? { movedTo } : {}),
  };
  await ctx.manifest.append([{ op: 'quarantine', ...q }]);
  ctx.snapshots.quarantine(q);
  ctx.log.error(
    { path: seg.path, movedTo, reason: q.reason, source: seg.source, minTs: seg.minTs, maxTs: seg.maxTs, rows: seg.rows },
    'Quarantined a segment that could not be read; queries over its time range report partial results',
  );
  return true;
}

/** Takes `seg` out of the live set (idempotent); resolves true when this call quarantined it. */
export function quarantineSegment(ctx: StoreContext, seg: SegmentInfo, reason: string): Promise<boolean> {
  let m = inFlight.get(ctx);
  if (!m) inFlight.set(ctx, (m = new Map()));
  const running = m.get(seg.id);
  if (running) return running.then(() => false);
  const p = doQuarantine(ctx, seg, reason).finally(() => m.delete(seg.id));
  m.set(seg.id, p);
  return p;
}

/** The quarantined segments a query over `q` would have read (its ts range and required sources), newest first. */
export function missingFor(quarantined: readonly QuarantinedSegment[], q: Pick<StoreQuery, 'plan' | 'from' | 'to'>): MissingRange[] {
  return selectSegments(quarantined, q)
    .sort((a, b) => b.maxTs - a.maxTs || b.minTs - a.minTs)
    .slice(0, MAX_MISSING)
    .map((s) => ({ source: s.source, minTs: s.minTs, maxTs: s.maxTs, rows: s.rows }));
}

/** Sets `partial`/`missing` on `stats` when quarantined data overlaps the query. */
export function markPartial(stats: QueryStats, quarantined: readonly QuarantinedSegment[], q: Pick<StoreQuery, 'plan' | 'from' | 'to'>): void {
  const missing = missingFor(quarantined, q);
  if (missing.length === 0) return;
  stats.partial = true;
  stats.missing = missing;
}
