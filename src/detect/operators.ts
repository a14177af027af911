/**
 * Comparison operators as predicates built once per check (libsinsp filter_compare.cpp semantics).
 * Strings compare as strings (`<` is strcmp); numeric fields compare as numbers; dynamic
 * (attrs) values compare as numbers when both sides are numeric.
 * Multi-valued fields (lists): `in` = every value in the set, `intersects` = some value in the
 * set, `exists` = non-empty; any other operator is true when some value satisfies it, and `!=`
 * when no value equals (libsinsp rejects these on lists; Argus accepts them).
 * Argus operators: `in_cidr (nets)` every value is an address in one of the networks,
 * `intersects_cidr (nets)` some value is; `registry_in (registries)` every value is an image
 * under one of the registries (./image-ref.ts). Their right-hand sides are parsed once here.
 */
import type { CmpMod } from './ast.ts';
import type { ValueType } from './fields-argus.ts';
import { EVERY_OPS } from './ast.ts';
import { makePathMatcher } from './glob.ts';
import { registrySet } from './image-ref.ts';
import { cidrSet } from './ip.ts';
import { globMatcher } from '../core/index.ts';
import type { FieldValue } from './json-values.ts';

export type Scalar = string | number;
export type ScalarPred = (v: Scalar) => boolean;

const NUMERIC = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$/;

export function isNumeric(s: string): boolean {
  return NUMERIC.test(s.trim());
}

function eqPred(r: string, type: ValueType): ScalarPred {
  if (type === 'number') {
    const n = Number(r);
    return (v) => v === n;
  }
  if (type === 'dynamic' && isNumeric(r)) {
    const n = Number(r);
    return (v) => (typeof v === 'number' ? v === n : v === r);
  }
  return (v) => String(v) === r;
}

function orderPred(op: string, r: string, type: ValueType): ScalarPred {
  const n = Number(r);
  const numeric = type === 'number' || (type === 'dynamic' && isNumeric(r));
  const test = (c: number): boolean => (op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);
  return (v) => {
    if (numeric && typeof v === 'number') return test(v - n);
    const s = String(v);
    return test(s < r ? -1 : s > r ? 1 : 0);
  };
}

function setPred(rs: readonly string[], type: ValueType): ScalarPred {
  const set = new Set<string>(rs);
  if (type === 'string') return (v) => set.has(v as string);
  const nums = new Set<number>(rs.filter(isNumeric).map(Number));
  return (v) => (typeof v === 'number' ? nums.has(v) : set.has(v));
}

function hexBytes(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}

/** A predicate for one right-hand value. Throws Error(message) on a bad regex. */
function singlePred(op: string, r: string, type: ValueType): ScalarPred {
  switch (op) {
    case '=':
    case 'in':
    case 'intersects':
      return eqPred(r, type);
    case '!=': {
      const eq = eqPred(r, type);
      return (v) => !eq(v);
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return orderPred(op, r, type);
    case 'contains':
      return (v) => String(v).includes(r);
    case 'icontains': {
      const lr = r.toLowerCase();
      return (v) => String(v).toLowerCase().includes(lr);
    }
    case 'startswith':
      return (v) => String(v).startsWith(r);
    case 'endswith':
      return (v) => String(v).endsWith(r);
    case 'bcontains': {
      const b = hexBytes(r);
      return (v) => Buffer.from(String(v)).includes(b);
    }
    case 'bstartswith': {
      const b = hexBytes(r);
      return (v) => Buffer.from(String(v)).subarray(0, b.length).equals(b);
    }
    case 'glob':
    case 'iglob': {
      const m = globMatcher(r, op === 'iglob');
      return (v) => m(String(v));
    }
    case 'regex': {
      const re = compileRegex(r);
      return (v) => re.test(String(v));
    }
    case 'pmatch': {
      const m = makePathMatcher([r]);
      return (v) => m(String(v));
    }
    default:
      throw new Error(`unsupported operator '${op}'`);
  }
}

/** libsinsp matches `regex` against the whole value (RE2, anchored both ends). */
export function compileRegex(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    try {
      return new RegExp(`^(?:${pattern})$`, 'u');
    } catch (e) {
      throw new Error(`invalid regex pattern: ${(e as Error).message}`);
    }
  }
}

/** The predicate on one scalar for `op` against constant right-hand values. */
export function scalarPredicate(op: string, mod: CmpMod | undefined, rhs: readonly string[], type: ValueType): ScalarPred {
  if (mod) {
    const preds = rhs.map((r) => singlePred(op, r, type));
    if (preds.length === 0) return () => false;
    if (mod === 'anyof') return (v) => preds.some((p) => p(v));
    if (mod === 'allof') return (v) => preds.every((p) => p(v));
    return (v) => {
      let n = 0;
      for (const p of preds) if (p(v) && ++n > 1) return false;
      return n === 1;
    };
  }
  if (op === 'in' || op === 'intersects') return setPred(rhs, type);
  if (op === 'in_cidr' || op === 'intersects_cidr') {
    const inside = cidrSet(rhs);
    return (v) => inside(String(v));
  }
  if (op === 'registry_in') {
    const under = registrySet(rhs);
    return (v) => under(String(v));
  }
  if (op === 'pmatch') {
    const m = makePathMatcher(rhs);
    return (v) => m(String(v));
  }
  return singlePred(op, rhs[0] ?? '', type);
}

/** Applies list/missing semantics around a scalar predicate. */
export function valuePredicate(op: string, pred: ScalarPred): (v: FieldValue) => boolean {
  if (EVERY_OPS.includes(op)) {
    return (v) => {
      if (v === undefined) return false;
      if (typeof v === 'object') {
        for (const x of v) if (!pred(x)) return false;
        return true;
      }
      return pred(v);
    };
  }
  if (op === '!=') {
    // for lists: no value is equal
    return (v) => {
      if (v === undefined) return false;
      if (typeof v === 'object') {
        for (const x of v) if (!pred(x)) return false;
        return true;
      }
      return pred(v);
    };
  }
  return (v) => {
    if (v === undefined) return false;
    if (typeof v === 'object') {
      for (const x of v) if (pred(x)) return true;
      return false;
    }
    return pred(v);
  };
}
