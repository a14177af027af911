/**
 * Late materialization for event searches. Phase 1 runs the rendered query over a relation
 * carrying row locators (`_file`, `_row` = Parquet `filename`/`file_row_number`; NULL for tail
 * rows, which are found again by id) and keeps only the locators of the result rows, so the
 * wide columns (attrs, raw, message) are never decoded for scanned rows. Phase 2 reads the full
 * rows of just those locators (per file, narrowed by ts so only their row groups are decoded)
 * and returns them in phase-1 order.
 */
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { ByteBudget, throwIfAborted } from '../query-abort.ts';
import type { SegmentInfo } from '../types.ts';
import { COLUMN_LIST, literal } from './columns.ts';
import type { Snapshot } from './snapshots.ts';
import { SEGMENT_COLUMNS, segmentScan } from './stored-columns.ts';

export const LOCATOR_COLUMNS = ['_file', '_row'] as const;

/** The query relation with locator columns. */
export function locatorRelation(snap: Snapshot, segments: readonly SegmentInfo[], dataDir: string): string {
  const tail = `SELECT ${COLUMN_LIST}, NULL::VARCHAR AS "_file", NULL::BIGINT AS "_row" FROM tail WHERE "_wal" > ${Math.trunc(snap.flushedWal)}`;
  if (segments.length === 0) return `(${tail})`;
  const files = segments.map((s) => literal(join(dataDir, s.path))).join(', ');
  return (
    `(${tail} UNION ALL BY NAME SELECT ${SEGMENT_COLUMNS}, filename AS "_file", file_row_number AS "_row" ` +
    `FROM ${segmentScan(files, ', filename = true, file_row_number = true')})`
  );
}

export interface Locator {
  file: string | null;
  row: number;
  id: string;
  ts: number;
}

/** Phase 1: the locators of the rendered query's rows, in its order. */
export async function locate(con: DuckDBConnection, sql: string, params: DuckDBValue[]): Promise<Locator[]> {
  const reader = await con.runAndReadAll(`SELECT "_file", "_row", "id", "ts" FROM (${sql}) AS "_q"`, params);
  return reader.getRowsJS().map(([file, row, id, ts]) => ({
    file: file === null ? null : String(file),
    row: Number(row ?? -1),
    id: String(id),
    ts: Number(ts),
  }));
}

const key = (file: string | null, row: number, id: string): string => (file === null ? `t\0${id}` : `f\0${file}\0${row}`);

/** Phase 2: the full rows of `locs`, as column-name -> value records, in `locs` order. */
async function fetchRows(con: DuckDBConnection, snap: Snapshot, locs: readonly Locator[]): Promise<Record<string, unknown>[]> {
  const byFile = new Map<string, Locator[]>();
  const tailIds = new Set<string>();
  for (const l of locs) {
    if (l.file === null) tailIds.add(l.id);
    else {
      const ls = byFile.get(l.file);
      if (ls) ls.push(l);
      else byFile.set(l.file, [l]);
    }
  }
  const params: DuckDBValue[] = [];
  const tailWhere = tailIds.size === 0 ? 'FALSE' : `"id" IN (${[...tailIds].map((id) => (params.push(id), '?')).join(', ')})`;
  const tailCols = `SELECT ${COLUMN_LIST}, NULL::VARCHAR AS "_file", NULL::BIGINT AS "_row" FROM tail`;
  const tailPart = `${tailCols} WHERE "_wal" > ${Math.trunc(snap.flushedWal)} AND ${tailWhere}`;
  if (byFile.size === 0) return order(locs, (await con.runAndReadAll(tailPart, params)).getRowObjectsJS() as Record<string, unknown>[]);
  // an empty tail SELECT first, so every event column exists in the union of the files
  const files = [`${tailCols} WHERE FALSE`];
  for (const [file, ls] of byFile) {
    const tsLo = Math.min(...ls.map((l) => l.ts));
    const tsHi = Math.max(...ls.map((l) => l.ts));
    files.push(
      `SELECT *, ${literal(file)} AS "_file", file_row_number AS "_row" FROM read_parquet(${literal(file)}, hive_partitioning = false, file_row_number = true) ` +
        `WHERE "ts" BETWEEN ${tsLo} AND ${tsHi} AND file_row_number IN (${ls.map((l) => l.row).join(', ')})`,
    );
  }
  const segmentPart = `SELECT ${SEGMENT_COLUMNS}, "_file", "_row" FROM (${files.join(' UNION ALL BY NAME ')})`;
  const sql = `${tailPart} UNION ALL BY NAME ${segmentPart}`;
  return order(locs, (await con.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[]);
}

/** `rows` (with locator columns) in `locs` order, locator columns dropped. */
function order(locs: readonly Locator[], rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const found = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const file = r._file === null ? null : String(r._file);
    const k = key(file, Number(r._row ?? -1), String(r.id));
    delete r._file;
    delete r._row;
    const rs = found.get(k);
    if (rs) rs.push(r);
    else found.set(k, [r]);
  }
  const out: Record<string, unknown>[] = [];
  for (const l of locs) {
    const rows = found.get(key(l.file, l.row, l.id));
    const r = rows?.shift();
    if (r) out.push(r);
  }
  return out;
}

/** locators whose full rows one phase-2 statement reads (bounds the memory of a big `limit`) */
export const READ_CHUNK = 8192;

export interface ReadOptions {
  signal?: AbortSignal;
  /** stop once the converted rows' JSON passes this many bytes (ByteBudget) */
  maxBytes?: number;
}

/**
 * Phase 2 for the locators found by phase 1 (`locate` or `locateNewestFirst`): full rows in
 * order, `READ_CHUNK` locators per statement, each row converted as it comes; stops before the
 * first row that would take the answer past `maxBytes` (`truncated`), or when `signal` aborts.
 */
export async function readLocated<T>(
  con: DuckDBConnection,
  snap: Snapshot,
  locs: readonly Locator[],
  convert: (row: Record<string, unknown>) => T,
  opts: ReadOptions = {},
): Promise<{ rows: T[]; truncated: boolean }> {
  const out: T[] = [];
  const budget = new ByteBudget(opts.maxBytes);
  for (let i = 0; i < locs.length; i += READ_CHUNK) {
    throwIfAborted(opts.signal);
    for (const r of await fetchRows(con, snap, locs.slice(i, i + READ_CHUNK))) {
      const row = convert(r);
      if (!budget.fits(row)) return { rows: out, truncated: true };
      out.push(row);
    }
  }
  return { rows: out, truncated: false };
}
