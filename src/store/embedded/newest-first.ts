/**
 * Phase 1 of an event search whose order is the default (ts DESC, id DESC), newest data first:
 * the search runs over time windows `[cut, upper)` going back in time, each sized to hold about
 * `budget` rows (estimated from each segment's rows and ts range, assumed uniform), so a big
 * segment is read a slice at a time (its row groups are sorted by ts and pruned by the window).
 * The first window holds `FIRST_BATCH_ROWS`; a later one the rows still missing at the match
 * density seen so far (x1.5), or everything left when nothing matched yet. Every window includes
 * the tail. Windows are disjoint and older each time, so the search stops as soon as `limit` rows
 * are held: every row not yet read is older than all of them.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { QueryPlan } from '../../core/index.ts';
import type { SegmentInfo } from '../types.ts';
import type { Locator } from './late-read.ts';

/** rows of the first window */
const FIRST_BATCH_ROWS = 250_000;
/** smallest later window (a round costs a query's fixed overhead) */
const MIN_BATCH_ROWS = 50_000;

/** Whether the plan's events come out in the default order (no sort/stats/fields stage). */
export function isNewestFirst(plan: QueryPlan): boolean {
  return plan.stages.every((s) => s.op === 'head');
}

/** ts DESC, id DESC (ids compared as UTF-8 bytes, like DuckDB's VARCHAR order). */
export function newerFirst(a: Locator, b: Locator): number {
  return b.ts - a.ts || Buffer.compare(Buffer.from(b.id), Buffer.from(a.id));
}

/** `[from, to)` in ms; undefined = unbounded. */
export interface TsWindow {
  from?: number;
  to?: number;
}

/** SQL locating the plan's rows among `segments` (and the tail) with ts in `window`. */
export type BatchSql = (segments: readonly SegmentInfo[], window: TsWindow) => { sql: string; params: DuckDBValue[] };

/** Estimated rows of `s` with ts in [from, to) (rows spread evenly over [minTs, maxTs]). */
function rowsIn(s: SegmentInfo, from: number | undefined, to: number | undefined): number {
  const lo = Math.max(s.minTs, from ?? -Infinity);
  const hi = Math.min(s.maxTs + 1, to ?? Infinity);
  return hi <= lo ? 0 : (s.rows * (hi - lo)) / (s.maxTs + 1 - s.minTs);
}

const rowsInAll = (segs: readonly SegmentInfo[], from: number | undefined, to: number | undefined): number =>
  segs.reduce((n, s) => n + rowsIn(s, from, to), 0);

/** The latest cut with at least `budget` rows in [cut, upper) (the fewest such); undefined when all rows below `upper` fit. */
export function cutFor(segs: readonly SegmentInfo[], upper: number | undefined, budget: number): number | undefined {
  if (segs.length === 0 || !Number.isFinite(budget)) return undefined;
  let lo = Math.min(...segs.map((s) => s.minTs));
  if (rowsInAll(segs, lo, upper) <= budget) return undefined;
  let hi = Math.min(upper ?? Infinity, Math.max(...segs.map((s) => s.maxTs)) + 1); // rowsIn(hi, upper) = 0 < budget
  // invariant: rowsIn([lo, upper)) > budget >= rowsIn([hi, upper))
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (rowsInAll(segs, mid, upper) > budget) lo = mid;
    else hi = mid;
  }
  return lo;
}

export async function locateNewestFirst(
  con: DuckDBConnection,
  segments: readonly SegmentInfo[],
  limit: number,
  batchSql: BatchSql,
  locate: (con: DuckDBConnection, sql: string, params: DuckDBValue[]) => Promise<Locator[]>,
  firstBatchRows = FIRST_BATCH_ROWS,
  minBatchRows = MIN_BATCH_ROWS,
): Promise<Locator[]> {
  if (limit <= 0) return [];
  let held: Locator[] = [];
  let upper: number | undefined;
  let budget = firstBatchRows;
  let scanned = 0;
  for (;;) {
    const cut = cutFor(segments, upper, budget);
    const inWindow = segments.filter((s) => (upper === undefined || s.minTs < upper) && (cut === undefined || s.maxTs >= cut));
    const q = batchSql(inWindow, { from: cut, to: upper });
    held = [...held, ...(await locate(con, q.sql, q.params))].sort(newerFirst).slice(0, limit);
    if (held.length >= limit || cut === undefined) return held;
    scanned += rowsInAll(segments, cut, upper);
    upper = cut;
    budget = held.length === 0 ? Infinity : Math.max(minBatchRows, ((scanned * (limit - held.length)) / held.length) * 1.5);
  }
}
