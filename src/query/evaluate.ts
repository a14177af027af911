/**
 * The plan's filter semantics in JS, for the live tail and detection. Must agree exactly with the
 * SQL renderers (src/store/sql/duckdb-filter.ts); evaluate.test.ts checks that against DuckDB.
 */
import { ArgusError, COLUMN_TYPES, fieldName, wildcardMatcher } from '../core/index.ts';
import type { CmpOp, FieldRef, Filter, LogEvent } from '../core/index.ts';

type Pred = (e: LogEvent) => boolean;
/** A field's values: numbers for numeric columns, strings otherwise; empty when absent. */
type Getter = (e: LogEvent) => { numeric: boolean; values: (string | number)[] };

const NUMERIC = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

function text(v: unknown): string {
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function getter(ref: FieldRef): Getter {
  if (ref.kind === 'output') {
    throw new ArgusError('QUERY_FIELD', `'${ref.name}' is a stats column; it cannot filter events`, { field: ref.name });
  }
  if (ref.kind === 'attr') {
    const path = ref.path;
    return (e) => {
      let cur: unknown = e.attrs;
      for (const k of path) {
        if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return { numeric: false, values: [] };
        cur = (cur as Record<string, unknown>)[k];
      }
      if (cur === null || cur === undefined) return { numeric: false, values: [] };
      const list = Array.isArray(cur) ? cur.filter((v) => v !== null && v !== undefined) : [cur];
      return { numeric: false, values: list.map(text) };
    };
  }
  const name = ref.name;
  const type = COLUMN_TYPES[name];
  const numeric = type === 'int' || type === 'bigint';
  return (e) => {
    const v = (e as unknown as Record<string, unknown>)[name];
    if (v === null || v === undefined) return { numeric, values: [] };
    if (Array.isArray(v)) return { numeric: false, values: v.filter((x) => x !== null && x !== undefined).map(text) };
    if (numeric) return { numeric, values: typeof v === 'number' ? [v] : [Number(v)] };
    return { numeric, values: [text(v)] };
  };
}

function toNumber(value: string | number, ref: FieldRef): number {
  const n = typeof value === 'number' ? value : NUMERIC.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) {
    throw new ArgusError('QUERY_FIELD', `${fieldName(ref)} is numeric: "${String(value)}" is not a number`, { field: fieldName(ref) });
  }
  return n;
}

/** Case-insensitive whole-string matcher; `*` = any sequence (linear time: core/wildcard.ts). */
function matcher(value: string, wildcard: boolean): (s: string) => boolean {
  if (!wildcard) {
    const want = value.toLowerCase();
    return (s) => s.toLowerCase() === want;
  }
  return wildcardMatcher(value);
}

function compare(a: number | string, op: CmpOp, b: number | string): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function any(get: Getter, test: (v: string | number, numeric: boolean) => boolean): Pred {
  return (e) => {
    const { numeric, values } = get(e);
    return values.some((v) => test(v, numeric));
  };
}

/** Compiles a plan filter to a predicate over events. */
export function compileFilter(filter: Filter): Pred {
  switch (filter.op) {
    case 'true':
      return () => true;
    case 'and': {
      const ps = filter.args.map(compileFilter);
      return (e) => ps.every((p) => p(e));
    }
    case 'or': {
      const ps = filter.args.map(compileFilter);
      return (e) => ps.some((p) => p(e));
    }
    case 'not': {
      const p = compileFilter(filter.arg);
      return (e) => !p(e);
    }
    case 'match': {
      const { field, value, wildcard } = filter;
      const m = matcher(value, wildcard);
      const get = getter(field);
      let n: number | undefined;
      return any(get, (v, numeric) => {
        if (!numeric || wildcard) return m(String(v));
        n ??= toNumber(value, field);
        return v === n;
      });
    }
    case 'cmp': {
      const { field, cmp, value } = filter;
      return any(getter(field), (v, numeric) => {
        if (numeric) return compare(v as number, cmp, toNumber(value, field));
        if (typeof value === 'number') return NUMERIC.test(String(v)) && compare(Number(v), cmp, value);
        return compare(String(v), cmp, value);
      });
    }
    case 'in': {
      const { field, values } = filter;
      const lower = new Set(values.map((v) => v.toLowerCase()));
      let nums: Set<number> | undefined;
      return any(getter(field), (v, numeric) => {
        if (!numeric) return lower.has(String(v).toLowerCase());
        nums ??= new Set(values.map((x) => toNumber(x, field)));
        return nums.has(v as number);
      });
    }
    case 'exists':
      return any(getter(filter.field), (v, numeric) => numeric || v !== '');
    case 'text': {
      const m = matcher(`*${filter.value}*`, true);
      const exact = filter.wildcard ? undefined : filter.value.toLowerCase();
      return (e) => (exact !== undefined ? (e.message ?? '').toLowerCase().includes(exact) : m(e.message ?? ''));
    }
  }
}
