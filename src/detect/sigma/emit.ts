/**
 * Sigma condition tree → engine condition text: fields go through the logsource pipeline,
 * each check becomes atoms, sibling atoms on one field merge into `in (...)`,
 * `intersects (...)` or `op anyof/allof (...)`, then the tree is printed in the Falco grammar.
 */
import type { Atom, ECond } from './atoms.ts';
import { checkAtom } from './atoms.ts';
import type { EngineField, Pipeline } from './field-map.ts';
import type { Cond, Result } from './types.ts';
import { fail, ok } from './types.ts';

const MESSAGE: EngineField = { name: 'message', list: false, lower: false };

export function resolve(c: Cond, p: Pipeline): Result<ECond> {
  switch (c.kind) {
    case 'const':
      return fail('the detection reduces to a constant');
    case 'not': {
      const r = resolve(c.item, p);
      return r.ok ? ok({ kind: 'not', item: r.value }) : r;
    }
    case 'and':
    case 'or': {
      const items: ECond[] = [];
      for (const it of c.items) {
        const r = resolve(it, p);
        if (!r.ok) return r;
        items.push(r.value);
      }
      return ok({ kind: c.kind, items });
    }
    case 'check': {
      const rw = p.rewrite?.(c);
      if (rw) return rw.ok ? resolve(rw.value, { ...p, rewrite: undefined }) : rw;
      if (c.field === null) {
        // keywords: full-text search in the event's message line
        const v = c.value;
        const wrapped: Cond = v.kind === 'str' ? { ...c, value: { kind: 'str', toks: [{ t: 'any' }, ...v.toks, { t: 'any' }] } } : c;
        return checkAtom(wrapped as typeof c, MESSAGE);
      }
      const fields = p.map(c.field);
      if (!fields.ok) return fields;
      const atoms: ECond[] = [];
      for (const fl of fields.value) {
        const r = checkAtom(c, fl);
        if (!r.ok) return fail(`field '${c.field}': ${r.reason}`);
        atoms.push(r.value);
      }
      return ok(atoms.length === 1 ? atoms[0]! : { kind: 'or', items: atoms });
    }
  }
}

const MERGE_OR = new Set(['=', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex']);
const MERGE_AND = new Set(['contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex']);

interface Merged extends Atom {
  mod?: 'anyof' | 'allof';
}

/** Flattens nested and/or and merges sibling atoms on the same field and operator. */
export function simplify(e: ECond): ECond {
  if (e.kind === 'atom') return e;
  if (e.kind === 'not') {
    const inner = simplify(e.item);
    return inner.kind === 'not' ? inner.item : { kind: 'not', item: inner };
  }
  const kind = e.kind;
  const flat = e.items.map(simplify).flatMap((c) => (c.kind === kind ? c.items : [c]));
  const ops = kind === 'or' ? MERGE_OR : MERGE_AND;
  const out: ECond[] = [];
  const byKey = new Map<string, Merged>();
  for (const c of flat) {
    if (c.kind !== 'atom' || !ops.has(c.op)) {
      out.push(c);
      continue;
    }
    const key = `${c.field}\u0000${c.tolower}\u0000${c.op}`;
    const prev = byKey.get(key);
    if (prev) {
      for (const v of c.values) if (!prev.values.includes(v)) prev.values.push(v);
      if (prev.op !== '=') prev.mod = kind === 'or' ? 'anyof' : 'allof';
      continue;
    }
    const m: Merged = { ...c, values: [...c.values] };
    byKey.set(key, m);
    out.push(m);
  }
  return out.length === 1 ? out[0]! : { kind, items: out };
}

/** A string literal for the condition grammar: `\`, quotes and control characters as \xNN escapes. */
export function quote(s: string): string {
  // eslint-disable-next-line no-control-regex
  return `'${s.replace(/[\\'"\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

function value(v: string | number): string {
  return typeof v === 'number' ? String(v) : quote(v);
}

function renderAtom(a: Merged): string {
  const f = a.tolower ? `tolower(${a.field})` : a.field;
  if (a.op === 'exists') return `${f} exists`;
  const list = `(${a.values.map(value).join(', ')})`;
  if (a.op === '=') {
    if (a.list) return `${f} intersects ${list}`;
    return a.values.length === 1 ? `${f} = ${value(a.values[0]!)}` : `${f} in ${list}`;
  }
  if (a.mod) return `${f} ${a.op} ${a.mod} ${list}`;
  return `${f} ${a.op} ${value(a.values[0]!)}`;
}

export function render(e: ECond): string {
  if (e.kind === 'atom') return renderAtom(e);
  if (e.kind === 'not') return `not ${e.item.kind === 'atom' ? renderAtom(e.item) : `(${render(e.item)})`}`;
  const parts = e.items.map((c) => (c.kind === 'and' || c.kind === 'or' ? `(${render(c)})` : render(c)));
  return parts.join(` ${e.kind} `);
}

/** The engine condition for a Sigma detection tree under a pipeline. */
export function emitCondition(c: Cond, p: Pipeline): Result<string> {
  const r = resolve(c, p);
  return r.ok ? ok(render(simplify(r.value))) : r;
}
