/**
 * One flush group (the tail rows of one source and UTC day) written as a segment. When writing
 * it fails for a reason other than I/O, its rows are bisected (load-isolate.ts): every part that
 * can be written becomes a segment, and a row that cannot be written alone is quarantined
 * (`<data>/quarantine/wal/`, with its WAL file number), so one bad row never stops flushing.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { newId } from '../../core/index.ts';
import { COLUMN_LIST } from './columns.ts';
import type { StoreContext } from './context.ts';
import { rowToEvent } from './event-codec.ts';
import { isIoError, loadIsolating } from './load-isolate.ts';
import type { AddEntry } from './manifest.ts';
import { segmentRelPath, utcDay, writeSegment } from './segment-writer.ts';
import { STORED_SELECT } from './stored-columns.ts';
import { walFileName } from './wal-format.ts';

export const DAY = 86_400_000;

export interface FlushGroup {
  source: string;
  dayStart: number;
  rows: number;
  minTs: number;
  maxTs: number;
}

export interface GroupWrite {
  ctx: Pick<StoreContext, 'dataDir' | 'walQuarantine' | 'log'>;
  con: DuckDBConnection;
  /** SQL condition selecting the flushed WAL files' rows (`"_wal" > lo AND "_wal" <= cutoff`) */
  range: string;
  flush: string;
  now: number;
  /** paths written so far (the caller deletes them if the flush does not commit) */
  written: string[];
  /** the segment writer (tests inject a failing one) */
  write?: typeof writeSegment;
}

/** Writes group `g`; returns its manifest adds (several when rows had to be isolated). */
export async function writeGroup(w: GroupWrite, g: FlushGroup): Promise<AddEntry[]> {
  const params: DuckDBValue[] = [g.source, g.dayStart, g.dayStart + DAY];
  const where = `${w.range} AND "source" = $1 AND "ts" >= $2 AND "ts" < $3`;
  try {
    return [await writeOne(w, g, `SELECT ${STORED_SELECT} FROM tail WHERE ${where} ORDER BY "ts", "id"`, params)];
  } catch (e) {
    if (isIoError(e)) throw e;
    return isolateGroup(w, g, where, params, e);
  }
}

async function writeOne(w: GroupWrite, g: FlushGroup, select: string, params: DuckDBValue[]): Promise<AddEntry> {
  const id = newId();
  const day = utcDay(g.dayStart);
  const path = segmentRelPath(g.source, day, id);
  w.written.push(path);
  const { bytes, sha256 } = await (w.write ?? writeSegment)(w.con, select, params, w.ctx.dataDir, path);
  return {
    op: 'add', id, path, source: g.source, partition: day, minTs: g.minTs, maxTs: g.maxTs,
    rows: g.rows, bytes, sha256, createdAt: w.now, flush: w.flush,
  };
}

async function isolateGroup(w: GroupWrite, g: FlushGroup, where: string, params: DuckDBValue[], first: unknown): Promise<AddEntry[]> {
  const ranked = `(SELECT *, row_number() OVER (ORDER BY "ts", "id") AS "_rn" FROM tail WHERE ${where})`;
  const adds: AddEntry[] = [];
  const r = await loadIsolating(g.rows, first, async (lo, hi) => {
    const part = `"_rn" > ${lo} AND "_rn" <= ${hi}`;
    const [[n, minTs, maxTs]] = (await w.con.runAndReadAll(`SELECT count(*)::BIGINT, min("ts"), max("ts") FROM ${ranked} WHERE ${part}`, params)).getRowsJS() as [[bigint, bigint, bigint]];
    if (Number(n) === 0) return;
    const sub = { ...g, rows: Number(n), minTs: Number(minTs), maxTs: Number(maxTs) };
    adds.push(await writeOne(w, sub, `SELECT ${STORED_SELECT} FROM ${ranked} WHERE ${part} ORDER BY "ts", "id"`, params));
  });
  if (r.ioError !== undefined) throw r.ioError;
  for (const { index, error } of r.bad) {
    const rows = (await w.con.runAndReadAll(`SELECT ${COLUMN_LIST}, "_wal" FROM ${ranked} WHERE "_rn" = ${index + 1}`, params)).getRowObjectsJS();
    for (const row of rows) {
      const walNo = Number(row._wal);
      delete row._wal;
      const text = Buffer.from(JSON.stringify(rowToEvent(row)) + '\n');
      const reason = error instanceof Error ? error.message : String(error);
      const stem = `${walFileName(walNo).replace(/\.log$/, '')}-flush-${w.flush}-${index}`;
      await w.ctx.walQuarantine.put(walNo, -1, [{ line: -1, text, reason }], stem);
    }
  }
  w.ctx.log.error({ source: g.source, day: g.dayStart, rows: g.rows, quarantined: r.bad.length, segments: adds.length }, 'A flush group could not be written whole; its bad rows were quarantined');
  return adds;
}
