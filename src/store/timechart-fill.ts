/**
 * Empty timechart buckets, filled: a query ending in `timechart` gets one row per bucket of the
 * queried range (or of the first..last bucket seen, without a range) for every series that has
 * data, as Splunk and Grafana draw it. Counts and sums of an empty bucket are 0; min/max/avg are
 * null. Dialect-neutral: every Store applies it to its table result.
 */
import type { QueryPlan, Stage } from '../core/index.ts';
import { autoSpanMs } from './sql/auto-span.ts';

/** no filling beyond this many rows (a 1s span over weeks): the sparse result is returned as is */
export const MAX_FILLED_ROWS = 100_000;

export interface TimechartTable {
  columns: string[];
  rows: unknown[][];
}

type Timechart = Extract<Stage, { op: 'timechart' }>;

function lastTimechart(plan: QueryPlan): Timechart | undefined {
  const last = plan.stages[plan.stages.length - 1];
  return last?.op === 'timechart' ? last : undefined;
}

const keyOf = (v: unknown): string => (v === null || v === undefined ? '\u0000null' : typeof v === 'string' ? `s${v}` : `n${String(v)}`);

function compareKeys(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // NULLS LAST, like the SQL
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** The row limit to fetch a result with: one more for a timechart, to tell a truncated result. */
export function fetchLimit(plan: QueryPlan, limit: number): number {
  return lastTimechart(plan) ? limit + 1 : limit;
}

/**
 * The final table of a result fetched with `fetchLimit`: a timechart that was not truncated gets
 * its empty buckets filled, then (like any result) at most `limit` rows. A truncated one is not
 * filled: a missing bucket there may be data cut by the limit, not an empty bucket.
 */
export function finishTable(plan: QueryPlan, table: TimechartTable, limit: number, from?: number, to?: number): TimechartTable {
  const truncated = table.rows.length > limit;
  const out = lastTimechart(plan) && !truncated ? fillTimechart(plan, table, from, to) : table;
  return out.rows.length > limit ? { columns: out.columns, rows: out.rows.slice(0, limit) } : out;
}

/** `table` with its empty buckets filled when `plan` ends in a timechart; else `table` itself. */
export function fillTimechart(plan: QueryPlan, table: TimechartTable, from?: number, to?: number): TimechartTable {
  const tc = lastTimechart(plan);
  if (!tc || table.columns[0] !== 'time') return table;
  const span = tc.spanMs > 0 ? tc.spanMs : autoSpanMs(from, to);
  const hasBy = tc.by !== undefined;
  const times = table.rows.map((r) => Number(r[0]));
  const floor = (t: number): number => Math.floor(t / span) * span;
  const lo = from !== undefined ? floor(from) : times.length > 0 ? Math.min(...times) : undefined;
  const hi = to !== undefined ? floor(to - 1) : times.length > 0 ? Math.max(...times) : undefined;
  if (lo === undefined || hi === undefined || hi < lo) return table;
  const series = new Map<string, unknown>();
  if (hasBy) for (const r of table.rows) series.set(keyOf(r[1]), r[1]);
  else series.set('', undefined);
  const buckets = Math.floor((hi - lo) / span) + 1;
  if (series.size === 0 || buckets * series.size > MAX_FILLED_ROWS) return table;
  const have = new Map<string, unknown[]>();
  for (const r of table.rows) have.set(`${Number(r[0])}|${hasBy ? keyOf(r[1]) : ''}`, r);
  const empty = tc.aggs.map((a) => (a.fn === 'count' || a.fn === 'dc' || a.fn === 'sum' ? 0 : null));
  const seriesSorted = [...series.entries()].sort((a, b) => compareKeys(a[1], b[1]));
  const rows: unknown[][] = [];
  let kept = 0;
  for (let t = lo; t <= hi; t += span) {
    for (const [k, v] of seriesSorted) {
      const r = have.get(`${t}|${k}`);
      if (r) kept++;
      rows.push(r ?? (hasBy ? [t, v, ...empty] : [t, ...empty]));
    }
  }
  // a row outside the range or off the bucket grid: never drop data, return the result unfilled
  if (kept !== have.size || have.size !== table.rows.length) return table;
  return { columns: table.columns, rows };
}
