/** Test helper (not used at runtime): an in-memory DuckDB table with the event schema. */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { COLUMN_TYPES, EVENT_COLUMNS } from '../../core/index.ts';
import type { ColumnType, LogEvent } from '../../core/index.ts';
import type { RenderedSql } from './duckdb-render.ts';

const SQL_TYPES: Record<ColumnType, string> = { string: 'VARCHAR', int: 'INTEGER', bigint: 'BIGINT', 'string[]': 'VARCHAR[]', json: 'JSON' };

export interface TestDb {
  conn: DuckDBConnection;
  /** runs rendered SQL; rows as arrays with BIGINTs turned into numbers */
  rows(r: RenderedSql): Promise<unknown[][]>;
  /** ids of an events result, in order */
  ids(r: RenderedSql): Promise<string[]>;
  close(): void;
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

export async function openTestDb(events: LogEvent[], table = 'events'): Promise<TestDb> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const cols = EVENT_COLUMNS.map((c) => `"${c}" ${SQL_TYPES[COLUMN_TYPES[c]]}`).join(', ');
  await conn.run(`CREATE TABLE ${table} (${cols})`);
  const placeholder = (t: ColumnType): string => (t === 'json' ? 'CAST(? AS JSON)' : t === 'string[]' ? 'CAST(CAST(? AS JSON) AS VARCHAR[])' : '?');
  const placeholders = EVENT_COLUMNS.map((c) => placeholder(COLUMN_TYPES[c])).join(', ');
  const insert = await conn.prepare(`INSERT INTO ${table} VALUES (${placeholders})`);
  for (const e of events) {
    const rec = e as unknown as Record<string, unknown>;
    const values: DuckDBValue[] = EVENT_COLUMNS.map((c) => {
      const v = rec[c];
      if (v === undefined || v === null) return null;
      if (COLUMN_TYPES[c] === 'json' || COLUMN_TYPES[c] === 'string[]') return JSON.stringify(v);
      if (COLUMN_TYPES[c] === 'bigint') return BigInt(v as number);
      return v as DuckDBValue;
    });
    insert.bind(values);
    await insert.run();
  }
  const rows = async (r: RenderedSql): Promise<unknown[][]> => {
    const reader = await conn.runAndReadAll(r.sql, r.params as DuckDBValue[]);
    return reader.getRowsJS().map((row) => row.map(plain));
  };
  return {
    conn,
    rows,
    ids: async (r) => {
      const idx = EVENT_COLUMNS.indexOf('id');
      return (await rows(r)).map((row) => String(row[idx]));
    },
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
