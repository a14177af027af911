/** Scalar expressions for group keys, projections, aggregates and sort keys. */
import { ArgusError, COLUMN_TYPES, fieldName } from '../../core/index.ts';
import type { Agg, FieldRef } from '../../core/index.ts';
import type { Scope } from './duckdb-filter.ts';
import { col, jsonPath, sql } from './sql-frag.ts';
import type { Frag } from './sql-frag.ts';

export interface KeyExpr {
  /** display name of the resulting column */
  name: string;
  sql: Frag;
  numeric: boolean;
  /** an attrs value (JSON text, maybe a number) */
  attr: boolean;
}

/** One value per row for a field: a column, an attrs path as text, or an earlier output column. */
export function keyExpr(ref: FieldRef, scope: Scope): KeyExpr {
  const name = fieldName(ref);
  if (ref.kind === 'output') {
    const c = scope.kind === 'table' ? scope.columns.find((o) => o.name === ref.name) : undefined;
    if (!c) throw new ArgusError('QUERY_FIELD', `unknown column '${ref.name}' here`, { field: ref.name });
    return { name, sql: c.sql, numeric: c.numeric, attr: false };
  }
  if (scope.kind !== 'events') {
    throw new ArgusError('QUERY_FIELD', `'${name}' is not a column of the previous stage`, { field: name });
  }
  if (ref.kind === 'attr') return { name, sql: sql`json_extract_string(${col('attrs')}, ${jsonPath(ref.path)})`, numeric: false, attr: true };
  const type = COLUMN_TYPES[ref.name];
  return { name, sql: col(ref.name), numeric: type === 'int' || type === 'bigint', attr: false };
}

export function aggExpr(a: Agg, scope: Scope): { sql: Frag; numeric: boolean } {
  if (!a.field) {
    if (a.fn !== 'count') throw new ArgusError('QUERY_SYNTAX', `${a.fn}() needs a field`);
    return { sql: sql`count(*)`, numeric: true };
  }
  const k = keyExpr(a.field, scope);
  const asNumber = k.numeric ? k.sql : sql`TRY_CAST(${k.sql} AS DOUBLE)`;
  switch (a.fn) {
    case 'count':
      return { sql: sql`count(${k.sql})`, numeric: true };
    case 'dc':
      return { sql: sql`count(DISTINCT ${k.sql})`, numeric: true };
    case 'min':
      return k.attr ? { sql: sql`min(${asNumber})`, numeric: true } : { sql: sql`min(${k.sql})`, numeric: k.numeric };
    case 'max':
      return k.attr ? { sql: sql`max(${asNumber})`, numeric: true } : { sql: sql`max(${k.sql})`, numeric: k.numeric };
    case 'avg':
      return { sql: sql`avg(${asNumber})`, numeric: true };
    case 'sum':
      return { sql: sql`sum(${asNumber})`, numeric: true };
  }
}

/** ORDER BY keys; events get `ts DESC, id DESC` as tie-breakers so results are deterministic. */
export function orderKeys(keys: { field: FieldRef; desc: boolean }[], scope: Scope): { sql: Frag; needs?: string }[] {
  const out: { sql: Frag; needs?: string }[] = [];
  for (const key of keys) {
    const k = keyExpr(key.field, scope);
    const dir = sql`${key.desc ? sql`DESC` : sql`ASC`} NULLS LAST`;
    const needs = key.field.kind === 'output' ? k.sql.sql : undefined;
    // attrs values are text: order numbers numerically first, then the text
    if (k.attr) out.push({ sql: sql`TRY_CAST(${k.sql} AS DOUBLE) ${dir}` });
    out.push({ sql: sql`${k.sql} ${dir}`, needs });
  }
  if (scope.kind === 'events') out.push({ sql: sql`${col('ts')} DESC` }, { sql: sql`${col('id')} DESC` });
  return out;
}
