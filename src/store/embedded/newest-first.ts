/**
 * Phase 1 of an event search whose order is the default (ts DESC, id DESC), newest segments
 * first: segments are taken in descending maxTs order in batches growing 4x, or sized from the
 * match density seen so far when too few rows matched (the tail with the first), each batch's top n locators are merged into the result, and the search stops once
 * n rows are held and every remaining segment ends before the n-th row (strictly, so ts ties
 * are still read). A search for recent matches then reads only the newest part of the data.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { QueryPlan } from '../../core/index.ts';
import type { SegmentInfo } from '../types.ts';
import type { Locator } from './late-read.ts';

/** rows of the first batch; each next batch may hold four times as many (few rounds when nothing matches) */
const FIRST_BATCH_ROWS = 250_000;

/** Whether the plan's events come out in the default order (no sort/stats/fields stage). */
export function isNewestFirst(plan: QueryPlan): boolean {
  return plan.stages.every((s) => s.op === 'head');
}

/** ts DESC, id DESC (ids compared as UTF-8 bytes, like DuckDB's VARCHAR order). */
export function newerFirst(a: Locator, b: Locator): number {
  return b.ts - a.ts || Buffer.compare(Buffer.from(b.id), Buffer.from(a.id));
}

export type BatchSql = (segments: readonly SegmentInfo[], withTail: boolean) => { sql: string; params: DuckDBValue[] };

export async function locateNewestFirst(
  con: DuckDBConnection,
  segments: readonly SegmentInfo[],
  limit: number,
  batchSql: BatchSql,
  locate: (con: DuckDBConnection, sql: string, params: DuckDBValue[]) => Promise<Locator[]>,
  firstBatchRows = FIRST_BATCH_ROWS,
): Promise<Locator[]> {
  if (limit <= 0) return [];
  const rest = [...segments].sort((a, b) => b.maxTs - a.maxTs);
  let held: Locator[] = [];
  let budget = firstBatchRows;
  let scanned = 0;
  let first = true;
  while (first || rest.length > 0) {
    if (!first && held.length >= limit && rest[0]!.maxTs < held[limit - 1]!.ts) break;
    const batch: SegmentInfo[] = [];
    let rows = 0;
    while (rest.length > 0 && (batch.length === 0 || rows + rest[0]!.rows <= budget)) {
      const s = rest.shift()!;
      batch.push(s);
      rows += s.rows;
    }
    const q = batchSql(batch, first);
    held = [...held, ...(await locate(con, q.sql, q.params))].sort(newerFirst).slice(0, limit);
    first = false;
    scanned += rows;
    // sparse matches: size the next batch from the density seen so far (nothing yet: read the rest at once)
    if (held.length < limit) budget = held.length === 0 ? Infinity : Math.max(budget * 4, ((scanned * limit) / held.length) * 1.5);
    else budget *= 4;
  }
  return held;
}
