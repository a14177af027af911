/**
 * The query plan: what the query language compiles to, and what every Store renders into its
 * own SQL dialect (DuckDB for the embedded store, ClickHouse for scale-out). Values are data,
 * never SQL text: renderers must bind them as parameters.
 */
import type { EventColumn } from './log-event.ts';

/** A top-level column, or a path into `attrs` (`attrs.objectRef.name` -> ['objectRef','name']). */
export type FieldRef = { kind: 'column'; name: EventColumn } | { kind: 'attr'; path: string[] };

export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Filter =
  | { op: 'true' }
  | { op: 'and'; args: Filter[] }
  | { op: 'or'; args: Filter[] }
  | { op: 'not'; arg: Filter }
  /** field:value, case-insensitive; `*` in value is a wildcard when `wildcard` is true */
  | { op: 'match'; field: FieldRef; value: string; wildcard: boolean }
  /** field>=value etc.; numbers compare numerically, strings lexically */
  | { op: 'cmp'; field: FieldRef; cmp: CmpOp; value: string | number }
  /** field:(a OR b) shorthand after normalization, or `field in (...)` */
  | { op: 'in'; field: FieldRef; values: string[] }
  /** field:* — the field is present and non-empty */
  | { op: 'exists'; field: FieldRef }
  /** bare word or quoted phrase: case-insensitive substring of message (wildcards allowed) */
  | { op: 'text'; value: string; wildcard: boolean };

export type AggFn = 'count' | 'dc' | 'min' | 'max' | 'avg' | 'sum';

export interface Agg {
  fn: AggFn;
  /** absent only for count() */
  field?: FieldRef;
  /** output column name: `count`, `dc(user)`, or the `as` alias */
  as: string;
}

export type Stage =
  | { op: 'stats'; aggs: Agg[]; by: FieldRef[] }
  | { op: 'timechart'; spanMs: number; aggs: Agg[]; by?: FieldRef }
  | { op: 'sort'; keys: { name: string; desc: boolean }[] }
  | { op: 'head'; n: number }
  | { op: 'fields'; fields: FieldRef[] };

export interface QueryPlan {
  filter: Filter;
  stages: Stage[];
}

/** Display name of a field ref: `user`, `attrs.objectRef.name`. */
export function fieldName(f: FieldRef): string {
  return f.kind === 'column' ? f.name : `attrs.${f.path.join('.')}`;
}
