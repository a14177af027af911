/**
 * Rule exceptions -> condition, as Falco builds them (rule_loader_compiler.cpp), but as AST
 * rather than text so values never need quoting:
 *   fields: f, comps: in (default), values: [a, b]          -> and not f in (a, b)
 *   fields: [f1, f2], comps: [=, startswith] (default =),
 *   values: [[a, b], [c, d]]                                 -> and not ((f1 = a and f2 startswith b) or (f1 = c and f2 startswith d))
 * A tuple value that is itself a list, or a scalar under a list operator, becomes a list
 * (whose bare items may name a list). An exception without values adds nothing.
 */
import type { BinaryCheck, CmpMod, Expr, FieldRef, Operand, ValueItem } from './ast.ts';
import { ALL_OPS, isListOp, MODIFIERS } from './ast.ts';
import type { ExceptionDef, ExEntry } from './collector.ts';
import type { Location } from './source-text.ts';
import { badRule, SourceText } from './source-text.ts';

const BARE = /^[^()"'\s=,]+$/;

function pointText(loc: Location): SourceText {
  return new SourceText('', [{ start: 0, length: 0, path: loc.path, locate: () => ({ line: loc.line, column: loc.column }) }]);
}

function parseComp(text: string, loc: Location): { op: string; mod?: CmpMod } {
  const parts = text.trim().split(/\s+/);
  const op = parts[0] === '==' ? '=' : parts[0] ?? '';
  if (!ALL_OPS.includes(op) || parts.length > 2) throw badRule(loc, `'${text}' is not a supported comparison operator`);
  if (parts.length === 2) {
    const mod = parts[1] as CmpMod;
    if (!(MODIFIERS as readonly string[]).includes(mod) || isListOp(op) || op === 'exists') {
      throw badRule(loc, `'${text}' is not a supported comparison operator`);
    }
    return { op, mod };
  }
  return { op };
}

function scalar(e: ExEntry | undefined, what: string, loc: Location): string {
  if (!e || e.kind !== 'item') throw badRule(loc, `${what} must be a string`);
  return e.value;
}

function check(field: string, comp: { op: string; mod?: CmpMod }, right: Operand, src: SourceText): BinaryCheck {
  const left: FieldRef = { kind: 'field', name: field, pos: 0, src };
  const m = /^([^[]+)\[(.*)\]$/.exec(field);
  if (m) {
    left.name = m[1]!;
    left.arg = m[2]!;
  }
  const c: BinaryCheck = { kind: 'binary', left, op: comp.op, right, pos: 0, src };
  if (comp.mod) c.mod = comp.mod;
  return c;
}

function item(value: string, src: SourceText): ValueItem {
  return { value, bare: BARE.test(value), pos: 0, src };
}

function operand(e: ExEntry, listy: boolean, src: SourceText, loc: Location): Operand {
  if (e.kind === 'list') {
    return { kind: 'list', items: e.items.map((x) => item(scalar(x, 'exception value item', loc), src)), pos: 0, src };
  }
  if (listy) return { kind: 'list', items: [item(e.value, src)], pos: 0, src };
  return { kind: 'value', value: e.value, bare: false, pos: 0, src };
}

/** The `not (...)` part of one exception, or undefined when it has no values. */
function exceptionExpr(ex: ExceptionDef): Expr | undefined {
  const loc = ex.loc;
  const src = pointText(loc);
  if (!ex.fields) throw badRule(loc, `rule exception '${ex.name}' must have fields property with a list of fields`);
  if (ex.fields.kind === 'item') {
    if (ex.comps?.kind === 'list') throw badRule(loc, `exception '${ex.name}': fields and comps must both be strings`);
    const comp = parseComp(ex.comps?.value ?? 'in', loc);
    if (!isListOp(comp.op) && !comp.mod) {
      throw badRule(loc, `exception '${ex.name}': when fields is a single value, comps must be one of (in, pmatch, intersects) or a modifier operator`);
    }
    if (ex.values.length === 0) return undefined;
    const items = ex.values.map((v) => {
      if (v.kind !== 'item') throw badRule(loc, `exception '${ex.name}': expected values array to contain a list of strings`);
      return item(v.value, src);
    });
    return check(ex.fields.value, comp, { kind: 'list', items, pos: 0, src }, src);
  }
  const fields = ex.fields.items.map((f) => scalar(f, `exception '${ex.name}' field`, loc));
  const comps: { op: string; mod?: CmpMod }[] | undefined = ex.comps
    ? ex.comps.kind === 'list'
      ? ex.comps.items.map((c) => parseComp(scalar(c, `exception '${ex.name}' comp`, loc), loc))
      : undefined
    : fields.map(() => ({ op: '=' }));
  if (!comps) throw badRule(loc, `exception '${ex.name}': fields and comps must both be lists`);
  if (comps.length !== fields.length) throw badRule(loc, `exception '${ex.name}': fields and comps lists must have equal length`);
  const alts: Expr[] = ex.values.map((v) => {
    if (v.kind !== 'list' || v.items.length !== fields.length) {
      throw badRule(loc, `exception '${ex.name}': fields and values lists must have equal length`);
    }
    const checks = fields.map((f, k) => {
      const comp = comps[k]!;
      return check(f, comp, operand(v.items[k]!, isListOp(comp.op) || comp.mod !== undefined, src, loc), src);
    });
    return checks.length === 1 ? checks[0]! : { kind: 'and', children: checks, pos: 0, src };
  });
  if (alts.length === 0) return undefined;
  return alts.length === 1 ? alts[0] : { kind: 'or', children: alts, pos: 0, src };
}

/** `(condition) and not ex1 and not ex2 ...` */
export function withExceptions(cond: Expr, exceptions: readonly ExceptionDef[]): Expr {
  const parts: Expr[] = [cond];
  for (const ex of exceptions) {
    const e = exceptionExpr(ex);
    if (e) parts.push({ kind: 'not', child: e, pos: 0, src: e.src });
  }
  return parts.length === 1 ? cond : { kind: 'and', children: parts, pos: cond.pos, src: cond.src };
}
