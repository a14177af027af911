/**
 * Rule index: rules are bucketed by source, then by the constants their condition's top-level
 * AND pins `ka.verb`/`verb` and `ka.target.resource`/`resource` to (`=`, `in`, or an `or` of
 * those on one field). An event is only tested against the rules of its own bucket cells;
 * the merged candidate list per (source, verb, resource) is memoized (bounded).
 */
import type { LogEvent } from '../core/index.ts';
import type { Expr } from './ast.ts';
import type { FieldValue } from './json-values.ts';

export const VERB_DIMS = ['ka.verb', 'verb'] as const;
export const RESOURCE_DIMS = ['ka.target.resource', 'resource'] as const;
const DIMS = new Set<string>([...VERB_DIMS, ...RESOURCE_DIMS]);

export type Pins = Map<string, Set<string>>;

function intersect(pins: Pins, dim: string, values: Set<string>): void {
  const prev = pins.get(dim);
  pins.set(dim, prev ? new Set([...prev].filter((v) => values.has(v))) : values);
}

function flattenAnd(e: Expr, out: Expr[]): Expr[] {
  if (e.kind === 'and') for (const c of e.children) flattenAnd(c, out);
  else out.push(e);
  return out;
}

/** dim + values pinned by one conjunct, or undefined. `rhs` resolves a check's constants. */
function pinOf(e: Expr, rhs: (e: Expr) => readonly string[] | undefined): [string, Set<string>] | undefined {
  if (e.kind === 'binary' && e.left.kind === 'field' && e.left.arg === undefined && DIMS.has(e.left.name)) {
    if ((e.op === '=' || e.op === 'in') && !e.mod && e.right.kind !== 'field' && e.right.kind !== 'transform') {
      const vals = rhs(e);
      return vals ? [e.left.name, new Set(vals)] : undefined;
    }
    return undefined;
  }
  if (e.kind === 'or') {
    let dim: string | undefined;
    const all = new Set<string>();
    for (const c of e.children) {
      const sub = flattenAnd(c, []).map((x) => pinOf(x, rhs)).find((p) => p && (dim === undefined || p[0] === dim));
      if (!sub) return undefined;
      dim = sub[0];
      for (const v of sub[1]) all.add(v);
    }
    return dim ? [dim, all] : undefined;
  }
  return undefined;
}

export function computePins(e: Expr, rhs: (e: Expr) => readonly string[] | undefined): Pins {
  const pins: Pins = new Map();
  for (const c of flattenAnd(e, [])) {
    const p = pinOf(c, rhs);
    if (p) intersect(pins, p[0], p[1]);
  }
  return pins;
}

type Getter = (ev: LogEvent) => FieldValue;

export interface Indexed {
  ordinal: number;
  source: string;
  pins: Pins;
}

interface Table<R> {
  verb?: string;
  res?: string;
  cells: Map<string, R[]>;
}

const SEP = '\u0000';
const MEMO_MAX = 4096;

export class SourceIndex<R extends Indexed> {
  private readonly tables: Table<R>[] = [];
  private readonly dims: string[];
  private readonly getters: Getter[];
  private readonly memo = new Map<string | undefined, unknown>();
  private memoSize = 0;
  /** the candidates when no dimension is indexed */
  private all: readonly R[] | undefined;

  constructor(rules: readonly R[], getter: (dim: string) => Getter) {
    const byShape = new Map<string, Table<R>>();
    for (const r of rules) {
      const verb = VERB_DIMS.find((d) => r.pins.has(d));
      const res = RESOURCE_DIMS.find((d) => r.pins.has(d));
      const shape = `${verb ?? ''}|${res ?? ''}`;
      let t = byShape.get(shape);
      if (!t) {
        t = { cells: new Map(), ...(verb ? { verb } : {}), ...(res ? { res } : {}) };
        byShape.set(shape, t);
        this.tables.push(t);
      }
      for (const v of verb ? r.pins.get(verb)! : ['']) {
        for (const x of res ? r.pins.get(res)! : ['']) {
          const k = v + SEP + x;
          const cell = t.cells.get(k);
          if (cell) cell.push(r);
          else t.cells.set(k, [r]);
        }
      }
    }
    this.dims = [...new Set(this.tables.flatMap((t) => [t.verb, t.res]).filter((d): d is string => d !== undefined))];
    this.getters = this.dims.map(getter);
  }

  candidates(ev: LogEvent): readonly R[] {
    // memo: one nested Map level per dimension, keyed by the value (undefined when not a string)
    const gs = this.getters;
    if (gs.length === 0) return this.all ?? this.compute(ev);
    let node = this.memo as Map<string | undefined, unknown>;
    for (let i = 0; i < gs.length; i++) {
      const v = gs[i]!(ev);
      const key = typeof v === 'string' ? v : undefined;
      const next = node.get(key);
      if (next === undefined) return this.compute(ev);
      if (i === gs.length - 1) return next as readonly R[];
      node = next as Map<string | undefined, unknown>;
    }
    return this.compute(ev); // not reached
  }

  private compute(ev: LogEvent): readonly R[] {
    const vals = this.getters.map((g) => {
      const v = g(ev);
      return typeof v === 'string' ? v : undefined;
    });
    const val = (dim: string | undefined): string | undefined => (dim === undefined ? '' : vals[this.dims.indexOf(dim)]);
    const out: R[] = [];
    for (const t of this.tables) {
      const v = val(t.verb);
      const x = val(t.res);
      if (v === undefined || x === undefined) continue;
      const cell = t.cells.get(v + SEP + x);
      if (cell) out.push(...cell);
    }
    out.sort((a, b) => a.ordinal - b.ordinal);
    if (vals.length === 0) return (this.all ??= out);
    if (this.memoSize >= MEMO_MAX) {
      this.memo.clear();
      this.memoSize = 0;
    }
    let node = this.memo as Map<string | undefined, unknown>;
    for (let i = 0; i < vals.length - 1; i++) {
      let next = node.get(vals[i]) as Map<string | undefined, unknown> | undefined;
      if (!next) node.set(vals[i], (next = new Map()));
      node = next;
    }
    node.set(vals[vals.length - 1], out);
    this.memoSize++;
    return out;
  }
}
