/**
 * Renders a QueryPlan into one DuckDB SELECT with positional `?` parameters. Each pipeline stage
 * wraps the previous one as a subquery (DuckDB flattens them); output columns get internal aliases
 * (`_c0`...) and their display names come back in `columns`, so no user text is ever SQL text.
 */
import { ArgusError, EVENT_COLUMNS } from '../../core/index.ts';
import type { QueryPlan, Stage } from '../../core/index.ts';
import { autoSpanMs } from './auto-span.ts';
import { aggExpr, keyExpr, orderKeys } from './duckdb-exprs.ts';
import { renderFilter } from './duckdb-filter.ts';
import type { OutputColumn, Scope } from './duckdb-filter.ts';
import { alias, col, join, raw, sql } from './sql-frag.ts';
import type { Frag } from './sql-frag.ts';

export interface RenderOptions {
  /** the rows to query, as SQL (a table name or a parenthesized SELECT), written by the store */
  relation: string;
  /** inclusive lower bound on ts (ms) */
  from?: number;
  /** exclusive upper bound on ts (ms) */
  to?: number;
  limit: number;
  /**
   * Extra relation columns (internal names like `_file`) carried through every events-scope
   * SELECT, e.g. row locators for a two-phase (late materialization) read. Never user text.
   */
  carry?: readonly string[];
}

export interface RenderedSql {
  sql: string;
  params: unknown[];
  kind: 'events' | 'table';
  /** display names of the result columns, in order (table results only) */
  columns?: string[];
}

/** One SELECT under construction. */
export interface Node {
  from: Frag;
  where: Frag[];
  select: Frag;
  grouped: boolean;
  scope: Scope;
  /** ORDER BY keys; `needs` = the output alias a key reads (to know if a wrap keeps it valid) */
  order: { sql: Frag; needs?: string }[];
  limit: number | null;
}

export interface Ctx {
  nextAlias(prefix: 'c' | 's'): string;
  /** the events-scope select list (event columns + carried columns) */
  eventSelect: Frag;
  from?: number;
  to?: number;
}

const EVENT_SELECT = join(EVENT_COLUMNS.map((c) => col(c)), ', ');

function eventSelect(carry: readonly string[] | undefined): Frag {
  if (!carry || carry.length === 0) return EVENT_SELECT;
  for (const c of carry) if (!/^_[a-z]+$/.test(c)) throw new ArgusError('INTERNAL', `bad carried column '${c}'`);
  return join([EVENT_SELECT, ...carry.map((c) => raw(`"${c}"`))], ', ');
}

function renderNode(n: Node, limit?: number): Frag {
  const parts: Frag[] = [sql`SELECT ${n.select} FROM ${n.from}`];
  if (n.where.length > 0) parts.push(sql`WHERE ${join(n.where, ' AND ')}`);
  if (n.grouped) parts.push(raw('GROUP BY ALL'));
  if (n.order.length > 0) parts.push(sql`ORDER BY ${join(n.order.map((o) => o.sql), ', ')}`);
  const lim = limit ?? n.limit;
  if (lim !== null && lim !== undefined) parts.push(sql`LIMIT ${lim}`);
  return join(parts, ' ');
}

function selectOutputs(columns: OutputColumn[]): Frag {
  return join(columns.map((c) => sql`${c.sql} AS ${c.sql}`), ', ');
}

/** The node as a subquery of a new node with the same columns and (where still valid) order. */
function wrap(n: Node, ctx: Ctx): Node {
  const scope = n.scope;
  const visible = new Set(scope.kind === 'table' ? scope.columns.map((c) => c.sql.sql) : []);
  return {
    from: sql`(${renderNode(n)}) AS ${alias(ctx.nextAlias('s'))}`,
    where: [],
    select: scope.kind === 'events' ? ctx.eventSelect : selectOutputs(scope.columns),
    grouped: false,
    scope,
    order: n.order.filter((o) => o.needs === undefined || visible.has(o.needs)),
    limit: null,
  };
}

function applyStage(n: Node, st: Stage, ctx: Ctx): Node {
  switch (st.op) {
    case 'stats':
    case 'timechart': {
      // aggregation ignores row order: sorting the input (all of it, without a limit) is waste
      const w = wrap(n.limit === null ? { ...n, order: [] } : n, ctx);
      const columns: OutputColumn[] = [];
      const add = (name: string, expr: Frag, numeric: boolean): Frag => {
        if (columns.some((c) => c.name === name)) throw new ArgusError('QUERY_SYNTAX', `duplicate output column '${name}'`);
        const a = alias(ctx.nextAlias('c'));
        columns.push({ name, sql: a, numeric });
        return sql`${expr} AS ${a}`;
      };
      const items: Frag[] = [];
      if (st.op === 'timechart') {
        if (n.scope.kind !== 'events') throw new ArgusError('QUERY_SYNTAX', 'timechart needs events (put it before stats/fields)');
        const span = st.spanMs > 0 ? st.spanMs : autoSpanMs(ctx.from, ctx.to);
        items.push(add('time', sql`(${col('ts')} // ${span}) * ${span}`, true));
      }
      const by = st.op === 'stats' ? st.by : st.by ? [st.by] : [];
      for (const ref of by) {
        const k = keyExpr(ref, n.scope);
        items.push(add(k.name, k.sql, k.numeric));
      }
      const keyCount = columns.length;
      for (const a of st.aggs) {
        const e = aggExpr(a, n.scope);
        items.push(add(a.as, e.sql, e.numeric));
      }
      const keys = columns.slice(0, keyCount);
      return {
        ...w,
        select: join(items, ', '),
        grouped: keyCount > 0,
        scope: { kind: 'table', columns },
        order: keys.map((c) => ({ sql: sql`${c.sql} ASC NULLS LAST`, needs: c.sql.sql })),
      };
    }
    case 'sort': {
      const base = n.limit !== null ? wrap(n, ctx) : n;
      return { ...base, order: orderKeys(st.keys, base.scope) };
    }
    case 'head':
      return { ...n, limit: Math.min(n.limit ?? Infinity, Math.max(0, Math.floor(st.n))) };
    case 'fields': {
      const base = n.grouped ? wrap(n, ctx) : n;
      const columns: OutputColumn[] = [];
      const items = st.fields.map((ref) => {
        const k = keyExpr(ref, base.scope);
        const a = ref.kind === 'output' ? k.sql : alias(ctx.nextAlias('c'));
        columns.push({ name: k.name, sql: a, numeric: k.numeric });
        return sql`${k.sql} AS ${a}`;
      });
      return { ...base, select: join(items, ', '), scope: { kind: 'table', columns } };
    }
    case 'where': {
      const w = wrap(n, ctx);
      return { ...w, where: [renderFilter(st.filter, n.scope)] };
    }
  }
}

export function renderDuckDb(plan: QueryPlan, opts: RenderOptions): RenderedSql {
  let counter = 0;
  const ctx: Ctx = { nextAlias: (p) => `_${p}${counter++}`, eventSelect: eventSelect(opts.carry), from: opts.from, to: opts.to };
  const where: Frag[] = [renderFilter(plan.filter, { kind: 'events' })];
  if (opts.from !== undefined) where.push(sql`${col('ts')} >= ${opts.from}`);
  if (opts.to !== undefined) where.push(sql`${col('ts')} < ${opts.to}`);
  let node: Node = {
    from: raw(`${opts.relation} AS "_src"`),
    where,
    select: ctx.eventSelect,
    grouped: false,
    scope: { kind: 'events' },
    order: [{ sql: sql`${col('ts')} DESC` }, { sql: sql`${col('id')} DESC` }],
    limit: null,
  };
  for (const st of plan.stages) node = applyStage(node, st, ctx);
  const limit = Math.max(0, Math.min(node.limit ?? Infinity, Math.floor(opts.limit)));
  const out = renderNode(node, limit);
  if (node.scope.kind === 'events') return { sql: out.sql, params: out.params, kind: 'events' };
  return { sql: out.sql, params: out.params, kind: 'table', columns: node.scope.columns.map((c) => c.name) };
}
