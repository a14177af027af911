/**
 * The Sigma importer's intermediate form: a detection becomes a boolean tree of atomic checks
 * on Sigma field names, before a logsource pipeline maps the fields onto engine fields.
 */

/** A Sigma string value: literal text and the wildcards `*` (any run) and `?` (one character). */
export type Tok = { t: 'lit'; v: string } | { t: 'any' } | { t: 'one' };

export type SValue =
  | { kind: 'str'; toks: Tok[] }
  | { kind: 'num'; n: number }
  | { kind: 'bool'; b: boolean }
  | { kind: 'null' }
  /** `|re`, with its sub-modifier flags (i, m, s) */
  | { kind: 're'; pattern: string; flags: string }
  | { kind: 'cidr'; cidr: string };

export type CheckOp = 'match' | 'exists' | 'lt' | 'lte' | 'gt' | 'gte';

/** One field (or, with `field: null`, the keyword full-text search) against one value. */
export interface Check {
  kind: 'check';
  field: string | null;
  op: CheckOp;
  value: SValue;
  /** `|cased`: compare case-sensitively */
  cased: boolean;
}

export type Cond =
  | Check
  | { kind: 'and'; items: Cond[] }
  | { kind: 'or'; items: Cond[] }
  | { kind: 'not'; item: Cond }
  | { kind: 'const'; value: boolean };

/** The expected-outcome union used through the importer (no throws for bad rules). */
export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(reason: string): Result<T> {
  return { ok: false, reason };
}

export function and(items: Cond[]): Cond {
  const flat = items.flatMap((c) => (c.kind === 'and' ? c.items : [c]));
  return flat.length === 1 ? flat[0]! : { kind: 'and', items: flat };
}

export function or(items: Cond[]): Cond {
  const flat = items.flatMap((c) => (c.kind === 'or' ? c.items : [c]));
  return flat.length === 1 ? flat[0]! : { kind: 'or', items: flat };
}

export function not(item: Cond): Cond {
  return item.kind === 'not' ? item.item : { kind: 'not', item };
}

/** Literal text (no wildcards) as tokens. */
export function lit(v: string): Tok[] {
  return v === '' ? [] : [{ t: 'lit', v }];
}

/** A check that the field equals / matches the tokens (case-insensitive). */
export function strCheck(field: string, toks: Tok[]): Check {
  return { kind: 'check', field, op: 'match', value: { kind: 'str', toks }, cased: false };
}

export function existsCheck(field: string, exists: boolean): Cond {
  const c: Check = { kind: 'check', field, op: 'exists', value: { kind: 'bool', b: true }, cased: false };
  return exists ? c : not(c);
}
