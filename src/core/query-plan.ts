/**
 * The query plan: what the query language compiles to, and what every Store renders into its
 * own SQL dialect (DuckDB for the embedded store, ClickHouse for scale-out). Values are data,
 * never SQL text: renderers must bind them as parameters.
 */
import type { EventColumn } from './log-event.ts';

/**
 * A top-level column, a path into `attrs` (`attrs.objectRef.name` -> ['objectRef','name']), or a
 * column produced by an earlier `stats`/`timechart`/`fields` stage (`count`, `dc(user)`, an `as`
 * alias; only valid in stages after one of those, never in the event filter).
 */
export type FieldRef =
  | { kind: 'column'; name: EventColumn }
  | { kind: 'attr'; path: string[] }
  | { kind: 'output'; name: string };

export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * Semantics every renderer and the JS evaluator share (see src/query/evaluate.ts):
 * - a field holds a list of values: a scalar column one (none when null), `groups` its
 *   elements, an attrs path its JSON array elements or its one scalar (objects as JSON text);
 *   a leaf matches when ANY value matches, and is false (never null) when there is none;
 * - text matching is case-insensitive (lower-cased both sides), `*` = any sequence;
 * - numeric columns compare numerically; `match` on them needs a numeric value unless wildcard;
 * - `cmp` with a number on text values compares only values that look like numbers.
 */
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
  /** spanMs 0 = automatic (about 100 buckets over the queried range, 1m without one) */
  | { op: 'timechart'; spanMs: number; aggs: Agg[]; by?: FieldRef }
  /** events mode keys are event fields; after stats/timechart/fields they are `output` refs */
  | { op: 'sort'; keys: { field: FieldRef; desc: boolean }[] }
  | { op: 'head'; n: number }
  | { op: 'fields'; fields: FieldRef[] }
  /** filter rows of the previous stage (after stats: on `output` refs, e.g. count>10) */
  | { op: 'where'; filter: Filter };

export interface QueryPlan {
  filter: Filter;
  stages: Stage[];
}

/** Display name of a field ref: `user`, `attrs.objectRef.name`. */
export function fieldName(f: FieldRef): string {
  if (f.kind === 'attr') return `attrs.${f.path.join('.')}`;
  return f.name;
}
