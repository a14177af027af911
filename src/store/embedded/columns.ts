/** The store's column layout in DuckDB terms, derived from core's EVENT_COLUMNS / COLUMN_TYPES. */
import { COLUMN_TYPES, EVENT_COLUMNS } from '../../core/index.ts';
import type { ColumnType, EventColumn } from '../../core/index.ts';

const SQL_TYPE: Record<ColumnType, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  'string[]': 'VARCHAR[]',
  json: 'JSON',
};

/** A double-quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted SQL string literal (for our own file paths; user values are always bound). */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function sqlType(col: EventColumn): string {
  return SQL_TYPE[COLUMN_TYPES[col]];
}

/** `"id", "ts", ...` in store column order. */
export const COLUMN_LIST = EVENT_COLUMNS.map(ident).join(', ');

/** `"id" VARCHAR, "ts" BIGINT, ...` */
export const COLUMN_DEFS = EVENT_COLUMNS.map((c) => `${ident(c)} ${sqlType(c)}`).join(', ');

/** read_json `columns={...}` argument: every field typed as stored. */
export const JSON_COLUMNS = `{${EVENT_COLUMNS.map((c) => `${ident(c)}: '${sqlType(c)}'`).join(', ')}}`;
