/**
 * One detection entry (`field|mod1|mod2: value(s)`) → a boolean tree of checks. Lists of values
 * are OR (AND with `|all`); `contains`/`startswith`/`endswith` put `*` around the value; plain
 * values keep their Sigma wildcards (`*`, `?`, with `\` escapes).
 */
import type { Check, CheckOp, Cond, Result, SValue, Tok } from './types.ts';
import { and, fail, not, ok, or } from './types.ts';

const SUPPORTED = ['contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'cidr', 'exists', 'cased', 'neq', 'lt', 'lte', 'gt', 'gte'];
const NUMERIC: Record<string, CheckOp> = { lt: 'lt', lte: 'lte', gt: 'gt', gte: 'gte' };

/** Sigma escapes: `\*` `\?` `\\` are literals; a lone `\` before anything else is a literal backslash. */
export function parseSigmaString(s: string): Tok[] {
  const out: Tok[] = [];
  let buf = '';
  const flush = () => {
    if (buf) out.push({ t: 'lit', v: buf });
    buf = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        buf += n;
        i++;
      } else buf += c;
    } else if (c === '*' || c === '?') {
      flush();
      out.push(c === '*' ? { t: 'any' } : { t: 'one' });
    } else buf += c;
  }
  flush();
  return out;
}

export function toksText(toks: readonly Tok[]): string | undefined {
  if (toks.some((t) => t.t !== 'lit')) return undefined;
  return toks.map((t) => (t as { v: string }).v).join('');
}

function wrap(toks: Tok[], before: boolean, after: boolean): Tok[] {
  const out = [...toks];
  if (before && out[0]?.t !== 'any') out.unshift({ t: 'any' });
  if (after && out[out.length - 1]?.t !== 'any') out.push({ t: 'any' });
  return out;
}

interface Mods {
  list: string[];
  has: (m: string) => boolean;
}

function valueOf(raw: unknown, mods: Mods, where: string): Result<SValue> {
  if (raw === null || raw === undefined) return ok({ kind: 'null' });
  if (typeof raw === 'object') return fail(`${where}: values must be scalars, got a ${Array.isArray(raw) ? 'nested list' : 'map'}`);
  if (mods.has('re')) return ok({ kind: 're', pattern: String(raw), flags: ['i', 'm', 's'].filter((f) => mods.has(f)).join('') });
  if (mods.has('cidr')) return ok({ kind: 'cidr', cidr: String(raw) });
  if (typeof raw === 'boolean') return ok({ kind: 'bool', b: raw });
  const pos = ['contains', 'startswith', 'endswith'].filter((m) => mods.has(m));
  if (typeof raw === 'number' && pos.length === 0) return ok({ kind: 'num', n: raw });
  const toks = parseSigmaString(String(raw));
  return ok({ kind: 'str', toks: wrap(toks, mods.has('contains') || mods.has('endswith'), mods.has('contains') || mods.has('startswith')) });
}

/** `field|mods` key and its value(s) → condition. `field` null means keywords (full text). */
export function entryCond(key: string, raw: unknown): Result<Cond> {
  const [name, ...list] = key.split('|');
  const field = name === '' || name === undefined ? null : name;
  const where = `'${key}'`;
  for (const m of list) {
    if (!SUPPORTED.includes(m)) return fail(`${where}: modifier '${m}' is not supported`);
  }
  const mods: Mods = { list, has: (m) => list.includes(m) };
  if (['i', 'm', 's'].some((f) => mods.has(f)) && !mods.has('re')) return fail(`${where}: modifiers i, m, s only apply to 're'`);
  if (mods.has('exists')) {
    if (field === null) return fail(`${where}: 'exists' needs a field`);
    if (typeof raw !== 'boolean') return fail(`${where}: 'exists' takes true or false`);
    const c: Check = { kind: 'check', field, op: 'exists', value: { kind: 'bool', b: true }, cased: false };
    return ok(raw ? c : not(c));
  }
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) return fail(`${where}: empty list of values`);
  if (mods.has('all') && values.length < 2) return fail(`${where}: 'all' needs a list of at least two values`);
  const numOp = list.map((m) => NUMERIC[m]).find((x) => x !== undefined);
  const checks: Cond[] = [];
  for (const v of values) {
    const sv = valueOf(v, mods, where);
    if (!sv.ok) return sv;
    if (numOp && sv.value.kind !== 'num') return fail(`${where}: '${numOp}' needs numeric values`);
    if (sv.value.kind === 'null') {
      if (field === null) return fail(`${where}: a keyword cannot be null`);
      checks.push(not({ kind: 'check', field, op: 'exists', value: { kind: 'bool', b: true }, cased: false }));
      continue;
    }
    checks.push({ kind: 'check', field, op: numOp ?? 'match', value: sv.value, cased: mods.has('cased') });
  }
  const combined = mods.has('all') ? and(checks) : or(checks);
  return ok(mods.has('neq') ? not(combined) : combined);
}

/** A search identifier's definition: a map (AND), a list of maps (OR), or keywords. */
export function detectionCond(name: string, def: unknown): Result<Cond> {
  if (def === null || def === undefined) return fail(`detection '${name}' is empty`);
  if (Array.isArray(def)) {
    if (def.length === 0) return fail(`detection '${name}' is an empty list`);
    const items: Cond[] = [];
    for (const d of def) {
      const r = typeof d === 'object' && d !== null ? detectionCond(name, d) : entryCond('', d);
      if (!r.ok) return r;
      items.push(r.value);
    }
    return ok(or(items));
  }
  if (typeof def === 'object') {
    const entries = Object.entries(def as Record<string, unknown>);
    if (entries.length === 0) return fail(`detection '${name}' is an empty map`);
    const items: Cond[] = [];
    for (const [k, v] of entries) {
      const r = entryCond(k, v);
      if (!r.ok) return fail(`detection '${name}': ${r.reason}`);
      items.push(r.value);
    }
    return ok(and(items));
  }
  return entryCond('', def);
}
