/**
 * Renders a plan `Filter` to a DuckDB boolean expression with bound parameters. Every leaf is
 * wrapped in COALESCE(..., FALSE), so NOT/AND/OR stay two-valued and agree with the JS evaluator
 * (src/query/evaluate.ts): a field with no value matches nothing, and NOT matches it.
 */
import { ArgusError, COLUMN_TYPES, fieldName } from '../../core/index.ts';
import type { CmpOp, FieldRef, Filter } from '../../core/index.ts';
import { wildcardNeedsLinearMatcher } from '../../core/index.ts';
import { NUMERIC_RE_SOURCE, col, join, jsonPath, likePattern, raw, re2Wildcard, sql } from './sql-frag.ts';
import type { Frag } from './sql-frag.ts';

/** An output column of a previous stage: its SQL alias and whether it holds numbers. */
export interface OutputColumn {
  name: string;
  sql: Frag;
  numeric: boolean;
}

/** Where field refs resolve: the event columns, or the output columns of the previous stage. */
export type Scope = { kind: 'events' } | { kind: 'table'; columns: OutputColumn[] };

/** A field's values: one scalar (maybe numeric) or a list of strings. */
export type Values = { list: false; sql: Frag; numeric: boolean } | { list: true; sql: Frag };

const SQL_OP: Record<CmpOp, string> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

export function fieldValues(ref: FieldRef, scope: Scope): Values {
  if (ref.kind === 'output') {
    const c = scope.kind === 'table' ? scope.columns.find((o) => o.name === ref.name) : undefined;
    if (!c) throw new ArgusError('QUERY_FIELD', `unknown column '${ref.name}' here`, { field: ref.name });
    return c.numeric ? { list: false, sql: c.sql, numeric: true } : { list: false, sql: sql`CAST(${c.sql} AS VARCHAR)`, numeric: false };
  }
  if (scope.kind !== 'events') {
    throw new ArgusError('QUERY_FIELD', `'${fieldName(ref)}' is not a column of the previous stage`, { field: fieldName(ref) });
  }
  if (ref.kind === 'attr') {
    const p = jsonPath(ref.path);
    const a = col('attrs');
    return {
      list: true,
      sql: sql`COALESCE(TRY_CAST(json_extract(${a}, ${p}) AS VARCHAR[]), list_value(json_extract_string(${a}, ${p})))`,
    };
  }
  const type = COLUMN_TYPES[ref.name];
  if (type === 'string[]') return { list: true, sql: col(ref.name) };
  if (type === 'json') return { list: false, sql: sql`CAST(${col(ref.name)} AS VARCHAR)`, numeric: false };
  return { list: false, sql: col(ref.name), numeric: type === 'int' || type === 'bigint' };
}

/** TRUE when any value satisfies pred; never NULL. */
function anyOf(v: Values, pred: (x: Frag, numeric: boolean) => Frag): Frag {
  if (!v.list) return sql`COALESCE(${pred(v.sql, v.numeric)}, FALSE)`;
  return sql`COALESCE(len(list_filter(${v.sql}, lambda _x: ${pred(raw('_x'), false)})) > 0, FALSE)`;
}

function toNumber(value: string | number, ref: FieldRef): number {
  const n = typeof value === 'number' ? value : new RegExp(`^${NUMERIC_RE_SOURCE}$`).test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) {
    throw new ArgusError('QUERY_FIELD', `${fieldName(ref)} is numeric: "${String(value)}" is not a number`, { field: fieldName(ref) });
  }
  return n;
}

/**
 * A case-insensitive whole-value wildcard test in linear time: LIKE where DuckDB's matcher is
 * linear (at most one literal run after the first `*`: prefix, suffix, contains), RE2 otherwise.
 */
function wildcardSql(text: Frag, value: string): Frag {
  if (wildcardNeedsLinearMatcher(value)) return sql`regexp_full_match(lower(${text}), ${re2Wildcard(value)})`;
  return sql`lower(${text}) LIKE ${likePattern(value, true)} ESCAPE '\\'`;
}

function matchPred(ref: FieldRef, value: string, wildcard: boolean) {
  return (x: Frag, numeric: boolean): Frag => {
    if (numeric && !wildcard) return sql`${x} = ${toNumber(value, ref)}`;
    const text = numeric ? sql`CAST(${x} AS VARCHAR)` : x;
    if (wildcard) return wildcardSql(text, value);
    return sql`lower(${text}) = ${value.toLowerCase()}`;
  };
}

function cmpPred(ref: FieldRef, op: CmpOp, value: string | number) {
  return (x: Frag, numeric: boolean): Frag => {
    const o = raw(SQL_OP[op]);
    if (numeric) return sql`${x} ${o} ${toNumber(value, ref)}`;
    if (typeof value === 'number') {
      return sql`(CASE WHEN regexp_full_match(${x}, '${raw(NUMERIC_RE_SOURCE)}') THEN CAST(${x} AS DOUBLE) END) ${o} ${value}`;
    }
    return sql`${x} ${o} ${value}`;
  };
}

/** attrs match values for which the JSON text prefilter is used: these appear verbatim in the text */
const PREFILTER_SAFE = /^[A-Za-z0-9 _.:/@-]+$/;

/**
 * An RE2 pattern matching every text whose lower() contains `value` lowercased: ASCII letters
 * either case, plus the non-ASCII letters that lower() maps to ASCII (U+0130 -> i, U+212A -> k).
 */
export function caseFreePattern(value: string): string {
  return [...value.toLowerCase()]
    .map((ch) => {
      if (!/[a-z]/.test(ch)) return ch === '.' ? '\\.' : ch;
      const extra = ch === 'i' ? '\\x{130}' : ch === 'k' ? '\\x{212A}' : '';
      return `[${ch}${ch.toUpperCase()}${extra}]`;
    })
    .join('');
}

/**
 * An attrs path match, guarded by a cheap necessary condition: a value lower() equal to a
 * literal of safe characters is in the attrs JSON text verbatim, so rows whose text does not
 * contain it cannot match. CASE makes DuckDB run the JSON extraction only on the rows that do
 * (an AND may be reordered); the result is exactly the unguarded test's.
 */
function attrMatch(f: Extract<Filter, { op: 'match' }>, scope: Scope): Frag {
  const exact = anyOf(fieldValues(f.field, scope), matchPred(f.field, f.value, f.wildcard));
  if (f.wildcard || !PREFILTER_SAFE.test(f.value)) return exact;
  return sql`(CASE WHEN regexp_matches(CAST(${col('attrs')} AS VARCHAR), ${caseFreePattern(f.value)}) THEN ${exact} ELSE FALSE END)`;
}

export function renderFilter(f: Filter, scope: Scope): Frag {
  switch (f.op) {
    case 'true':
      return raw('TRUE');
    case 'and':
    case 'or': {
      if (f.args.length === 0) return raw(f.op === 'and' ? 'TRUE' : 'FALSE');
      const parts = f.args.map((a) => renderFilter(a, scope));
      return sql`(${join(parts, f.op === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'not':
      return sql`(NOT ${renderFilter(f.arg, scope)})`;
    case 'match':
      if (f.field.kind === 'attr' && scope.kind === 'events') return attrMatch(f, scope);
      return anyOf(fieldValues(f.field, scope), matchPred(f.field, f.value, f.wildcard));
    case 'cmp':
      return anyOf(fieldValues(f.field, scope), cmpPred(f.field, f.cmp, f.value));
    case 'in': {
      if (f.values.length === 0) return raw('FALSE');
      return anyOf(fieldValues(f.field, scope), (x, numeric) => {
        const items = numeric ? f.values.map((v) => toNumber(v, f.field)) : f.values.map((v) => v.toLowerCase());
        const list = join(items.map((v) => sql`${v}`), ', ');
        return numeric ? sql`${x} IN (${list})` : sql`lower(${x}) IN (${list})`;
      });
    }
    case 'exists':
      return anyOf(fieldValues(f.field, scope), (x, numeric) => (numeric ? sql`${x} IS NOT NULL` : sql`${x} <> ''`));
    case 'text': {
      if (scope.kind !== 'events') throw new ArgusError('QUERY_FIELD', 'text search needs events (use it before stats)');
      if (f.wildcard) return sql`COALESCE(${wildcardSql(col('message'), `*${f.value}*`)}, FALSE)`;
      return sql`COALESCE(lower(${col('message')}) LIKE ${`%${likePattern(f.value, false)}%`} ESCAPE '\\', FALSE)`;
    }
  }
}
