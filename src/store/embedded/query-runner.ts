/**
 * Runs a store query: picks segments by time overlap and source (manifest min/max, top-level
 * source equality), builds `(tail UNION ALL BY NAME read_parquet([...]))` over a pinned snapshot,
 * renders the plan against it, and converts rows back to events.
 */
import { join } from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import type { QueryPlan } from '../../core/index.ts';
import { ByteBudget, throwIfAborted } from '../query-abort.ts';
import type { QueryResult, QueryStats, SegmentInfo, StoreQuery } from '../types.ts';
import { fetchLimit, finishTable } from '../timechart-fill.ts';
import { COLUMN_LIST, literal } from './columns.ts';
import { plainValue, rowToEvent } from './event-codec.ts';
import { LOCATOR_COLUMNS, locate, locatorRelation, readLocated } from './late-read.ts';
import { interruptOnAbort } from './interrupt.ts';
import { isNewestFirst, locateNewestFirst } from './newest-first.ts';
import type { TsWindow } from './newest-first.ts';
import type { SqlRenderer } from './renderer.ts';
import { selectSegments } from './segment-select.ts';
import type { Snapshot, Snapshots } from './snapshots.ts';
import { SEGMENT_COLUMNS, segmentScan } from './stored-columns.ts';
import type { Tail } from './tail.ts';
import { runTolerant } from './tolerant-query.ts';
import type { TolerantDeps } from './tolerant-query.ts';

export { requiredSources, selectSegments } from './segment-select.ts';

export interface QueryDeps extends TolerantDeps {
  tail: Tail;
  snapshots: Snapshots;
  dataDir: string;
  render: SqlRenderer;
}

export function buildRelation(snap: Snapshot, segments: readonly SegmentInfo[], dataDir: string): string {
  const tail = `SELECT ${COLUMN_LIST} FROM tail WHERE "_wal" > ${Math.trunc(snap.flushedWal)}`;
  if (segments.length === 0) return `(${tail})`;
  const files = segments.map((s) => literal(join(dataDir, s.path))).join(', ');
  return `(${tail} UNION ALL BY NAME SELECT ${SEGMENT_COLUMNS} FROM ${segmentScan(files)})`;
}

/** The row count an events plan of only `head` stages returns at most (as the renderer limits it). */
function eventLimit(plan: QueryPlan, limit: number): number {
  let n = Math.floor(limit);
  for (const s of plan.stages) if (s.op === 'head') n = Math.min(n, Math.max(0, Math.floor(s.n)));
  return Math.max(0, n);
}

async function runOnce(deps: QueryDeps, q: StoreQuery): Promise<QueryResult> {
  const t0 = performance.now();
  const { snap, release } = deps.snapshots.acquire();
  const con = await deps.tail.connect();
  // an abort interrupts the running statement; the checks between statements stop the rest
  const unhook = interruptOnAbort(con, q.signal);
  const locateOrStop: typeof locate = (c, sql, params) => (throwIfAborted(q.signal), locate(c, sql, params));
  try {
    throwIfAborted(q.signal);
    const chosen = selectSegments(snap.segments, q);
    const opts = { from: q.from, to: q.to, limit: q.limit };
    const lateOver = (segs: readonly SegmentInfo[], w: TsWindow = {}) =>
      deps.render(q.plan, {
        ...opts,
        from: w.from === undefined ? q.from : Math.max(w.from, q.from ?? -Infinity),
        to: w.to === undefined ? q.to : Math.min(w.to, q.to ?? Infinity),
        relation: locatorRelation(snap, segs, deps.dataDir),
        carry: LOCATOR_COLUMNS,
      });
    const late = lateOver(chosen);
    const stats = {
      elapsedMs: 0,
      segmentsScanned: chosen.length,
      segmentsPruned: snap.segments.length - chosen.length,
      tailRows: deps.tail.rowsAbove(snap.flushedWal),
    };
    if (late.kind === 'events') {
      // late materialization: locate the result rows first, then read only their full rows
      const limit = eventLimit(q.plan, q.limit);
      const locs = isNewestFirst(q.plan)
        ? await locateNewestFirst(con, chosen, limit, (segs, w) => {
            const r = lateOver(segs, w);
            return { sql: r.sql, params: r.params as DuckDBValue[] };
          }, locateOrStop)
        : await locateOrStop(con, late.sql, late.params as DuckDBValue[]);
      const read = await readLocated(con, snap, locs, rowToEvent, { signal: q.signal, maxBytes: q.maxBytes });
      stats.elapsedMs = performance.now() - t0;
      return { kind: 'events', events: read.rows, ...truncation(read.truncated, q, stats) };
    }
    const r = deps.render(q.plan, { ...opts, limit: fetchLimit(q.plan, q.limit), relation: buildRelation(snap, chosen, deps.dataDir) });
    const reader = await con.runAndReadAll(r.sql, r.params as DuckDBValue[]);
    throwIfAborted(q.signal);
    const fetched = { columns: r.columns ?? reader.columnNames(), rows: reader.getRowsJS().map((row) => row.map(plainValue)) };
    const table = finishTable(q.plan, fetched, q.limit, q.from, q.to);
    const budget = new ByteBudget(q.maxBytes);
    const fit = table.rows.findIndex((row) => !budget.fits(row));
    const rows = fit < 0 ? table.rows : table.rows.slice(0, fit);
    stats.elapsedMs = performance.now() - t0;
    return { kind: 'table', columns: table.columns, rows, ...truncation(fit >= 0, q, stats) };
  } finally {
    unhook();
    con.closeSync();
    release();
  }
}

/** `stats` (and `truncated: true`) for an answer cut at `q.maxBytes`. */
function truncation(truncated: boolean, q: StoreQuery, stats: QueryStats): { truncated?: true; stats: QueryStats } {
  if (!truncated || q.maxBytes === undefined) return { stats };
  return { truncated: true, stats: { ...stats, truncated: { reason: 'maxBytes', maxBytes: q.maxBytes } } };
}

/**
 * Runs the query; a segment that cannot be read is quarantined and the query answers from the
 * rest (tolerant-query.ts); an aborted query fails with the abort's reason.
 */
export async function runQuery(deps: QueryDeps, q: StoreQuery): Promise<QueryResult> {
  return runTolerant(deps, q, () => runOnce(deps, q));
}
