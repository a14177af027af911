/**
 * AST (macros already expanded) -> one closure per rule. Field extractors, list contents,
 * regexes and sets are resolved here once; evaluating an event only calls closures.
 */
import type { LogEvent } from '../core/index.ts';
import type { BinaryCheck, Expr, FieldOperand, ValueItem } from './ast.ts';
import { isListOp } from './ast.ts';
import type { FieldCache } from './field-cache.ts';
import type { ValueType } from './fields-argus.ts';
import { lookupField } from './fields.ts';
import type { FieldValue } from './json-values.ts';
import { normalizeImage } from './image-ref.ts';
import { ipClass } from './ip.ts';
import { isNumeric, scalarPredicate, valuePredicate } from './operators.ts';
import type { Location } from './source-text.ts';
import { badRuleAt } from './source-text.ts';

export type Pred = (ev: LogEvent) => boolean;

const ALWAYS_PRESENT = new Set(['jevt.rawtime', 'json.rawtime']);

export interface CompiledField {
  get: (ev: LogEvent) => FieldValue;
  isList: boolean;
  type: ValueType;
  /** canonical field text; undefined for transformed values */
  key?: string;
}

export interface CompileContext {
  source: string;
  lists: ReadonlyMap<string, readonly string[]>;
  cache: FieldCache;
  warn: (loc: Location, message: string) => void;
}

export function compileField(f: FieldOperand, ctx: CompileContext): CompiledField {
  if (f.kind === 'field') {
    const r = lookupField(f.name, f.arg, ctx.source);
    if (!r.ok) throw badRuleAt(f.src, f.pos, r.error, { field: f.name });
    return { get: ctx.cache.getter(r.field), isList: r.field.isList, type: r.field.type, key: r.field.key };
  }
  const inner = compileField(f.args[0]!, ctx);
  const g = inner.get;
  const mapStr = (fn: (s: string) => string): CompiledField => ({
    isList: inner.isList,
    type: 'string',
    get: (ev) => {
      const v = g(ev);
      if (v === undefined) return undefined;
      return typeof v === 'object' ? v.map(fn) : fn(String(v));
    },
  });
  switch (f.fn) {
    case 'val':
      return inner;
    case 'tolower':
      return mapStr((s) => s.toLowerCase());
    case 'toupper':
      return mapStr((s) => s.toUpperCase());
    case 'b64':
      return mapStr((s) => Buffer.from(s, 'base64').toString('utf8'));
    case 'basename':
      return mapStr((s) => (s.endsWith('/') ? '' : s.slice(s.lastIndexOf('/') + 1)));
    case 'ip_class':
      return mapStr(ipClass);
    case 'image_repo':
      return mapStr(normalizeImage);
    case 'len':
      return {
        isList: false,
        type: 'number',
        get: (ev) => {
          const v = g(ev);
          if (v === undefined) return undefined;
          return typeof v === 'object' ? v.length : String(v).length;
        },
      };
    default:
      throw badRuleAt(f.src, f.pos, `field transformer '${f.fn}' is not supported`);
  }
}

/** Right-hand constants; bare items naming a list are replaced by its items. */
export function rhsValues(e: BinaryCheck, ctx: CompileContext): readonly string[] {
  const r = e.right;
  const expand = (items: readonly ValueItem[]): string[] =>
    items.flatMap((it) => (it.bare && ctx.lists.has(it.value) ? [...ctx.lists.get(it.value)!] : [it.value]));
  if (r.kind === 'list') return expand(r.items);
  if (r.kind === 'value') return isListOp(e.op) || e.mod ? expand([r]) : [r.value];
  return [];
}

function checkNumbers(e: BinaryCheck, type: ValueType, values: readonly string[]): void {
  if (type !== 'number' || !['=', '!=', '<', '<=', '>', '>=', 'in', 'intersects'].includes(e.op)) return;
  for (const v of values) {
    if (!isNumeric(v)) throw badRuleAt(e.right.src, e.right.pos, `'${v}' is not a number (field is numeric)`);
  }
}

function compileBinary(e: BinaryCheck, ctx: CompileContext): Pred {
  const left = compileField(e.left, ctx);
  if (left.isList && !isListOp(e.op) && e.op !== 'pmatch') {
    ctx.warn(e.src.locate(e.pos), `list field used with '${e.op}': true when any value matches`);
  }
  const get = left.get;
  if (e.right.kind === 'field' || e.right.kind === 'transform') {
    if (e.op === 'regex' || e.op === 'pmatch') {
      throw badRuleAt(e.right.src, e.right.pos, `operator '${e.op}' doesn't support right-hand side fields`);
    }
    const right = compileField(e.right, ctx);
    const op = e.op;
    const mod = e.mod;
    return (ev) => {
      const rv = right.get(ev);
      if (rv === undefined) return false;
      const rs = typeof rv === 'object' ? rv : [String(rv)];
      return valuePredicate(op, scalarPredicate(op, mod, rs, left.type))(get(ev));
    };
  }
  const values = rhsValues(e, ctx);
  checkNumbers(e, left.type, values);
  let pred;
  try {
    pred = valuePredicate(e.op, scalarPredicate(e.op, e.mod, values, left.type));
  } catch (err) {
    throw badRuleAt(e.right.src, e.right.pos, (err as Error).message);
  }
  return (ev) => pred(get(ev));
}

export function compileExpr(e: Expr, ctx: CompileContext): Pred {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      return () => v;
    }
    case 'not': {
      const c = compileExpr(e.child, ctx);
      return (ev) => !c(ev);
    }
    case 'and': {
      const cs = e.children.map((c) => compileExpr(c, ctx));
      if (cs.length === 2) {
        const [a, b] = cs as [Pred, Pred];
        return (ev) => a(ev) && b(ev);
      }
      return (ev) => {
        for (const c of cs) if (!c(ev)) return false;
        return true;
      };
    }
    case 'or': {
      const cs = e.children.map((c) => compileExpr(c, ctx));
      if (cs.length === 2) {
        const [a, b] = cs as [Pred, Pred];
        return (ev) => a(ev) || b(ev);
      }
      return (ev) => {
        for (const c of cs) if (c(ev)) return true;
        return false;
      };
    }
    case 'unary': {
      // jevt.rawtime is never missing: `exists` on it (Falco's `kevt` macro, in every k8s rule) is true
      if (e.left.kind === 'field' && ALWAYS_PRESENT.has(e.left.name) && e.left.arg === undefined) return () => true;
      const get = compileField(e.left, ctx).get;
      return (ev) => get(ev) !== undefined;
    }
    case 'binary':
      return compileBinary(e, ctx);
    case 'ident':
      throw badRuleAt(e.src, e.pos, `undefined macro '${e.name}' used in filter`);
  }
}
