/**
 * A minimal plan -> DuckDB SQL renderer used until src/store/sql/duckdb-render.ts lands:
 * filters `true`, `and`/`or`/`not`, and `match`/`in` on top-level columns; returns events newest
 * first. Anything else is refused with QUERY_FIELD. Values are always bound parameters.
 */
import { ArgusError } from '../../core/index.ts';
import type { Filter, QueryPlan } from '../../core/index.ts';
import { ident } from './columns.ts';

export interface RenderOptions {
  relation: string;
  from?: number;
  to?: number;
  limit: number;
}

export interface RenderedSql {
  sql: string;
  params: unknown[];
  kind: 'events' | 'table';
}

export type SqlRenderer = (plan: QueryPlan, opts: RenderOptions) => RenderedSql;

function filterSql(f: Filter, params: unknown[]): string {
  switch (f.op) {
    case 'true':
      return 'TRUE';
    case 'and':
    case 'or':
      return f.args.length === 0 ? (f.op === 'and' ? 'TRUE' : 'FALSE') : `(${f.args.map((a) => filterSql(a, params)).join(` ${f.op.toUpperCase()} `)})`;
    case 'not':
      return `(NOT ${filterSql(f.arg, params)})`;
    case 'match':
    case 'in': {
      if (f.field.kind !== 'column') throw new ArgusError('QUERY_FIELD', 'The fallback renderer only handles top-level columns');
      const col = `lower(CAST(${ident(f.field.name)} AS VARCHAR))`;
      if (f.op === 'in') {
        const marks = f.values.map((v) => (params.push(v.toLowerCase()), '?'));
        return `${col} IN (${marks.join(', ')})`;
      }
      if (f.wildcard) {
        params.push(f.value.toLowerCase().replace(/[\\%_]/g, '\\$&').replace(/\*/g, '%'));
        return `${col} LIKE ? ESCAPE '\\'`;
      }
      params.push(f.value.toLowerCase());
      return `${col} = ?`;
    }
    default:
      throw new ArgusError('QUERY_FIELD', `The fallback renderer does not handle "${f.op}" filters`);
  }
}

export const renderFallback: SqlRenderer = (plan, opts) => {
  if (plan.stages.length > 0) throw new ArgusError('QUERY_FIELD', 'The fallback renderer does not handle pipeline stages');
  const params: unknown[] = [];
  const where = [filterSql(plan.filter, params)];
  if (opts.from !== undefined) {
    where.push(`"ts" >= ?`);
    params.push(opts.from);
  }
  if (opts.to !== undefined) {
    where.push(`"ts" < ?`);
    params.push(opts.to);
  }
  params.push(Math.max(0, Math.trunc(opts.limit)));
  const sql = `SELECT * FROM ${opts.relation} AS r WHERE ${where.join(' AND ')} ORDER BY "ts" DESC, "id" DESC LIMIT ?`;
  return { sql, params, kind: 'events' };
};
