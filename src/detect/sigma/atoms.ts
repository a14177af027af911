/**
 * One Sigma check on one engine field → an engine comparison ("atom"). Case-insensitivity
 * (Sigma's default) is done with `icontains`, `iglob`, or `tolower(field)` against the
 * lower-cased value; fields whose values are lower-case by definition skip the `tolower`.
 */
import type { EngineField } from './field-map.ts';
import { toksText } from './modifiers.ts';
import type { Check, Result, Tok } from './types.ts';
import { fail, ok } from './types.ts';

export interface Atom {
  kind: 'atom';
  field: string;
  tolower: boolean;
  list: boolean;
  /** '=', 'exists', '<', '<=', '>', '>=', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex' */
  op: string;
  values: (string | number)[];
}

export type ECond = Atom | { kind: 'and' | 'or'; items: ECond[] } | { kind: 'not'; item: ECond };

function atom(fl: EngineField, op: string, values: (string | number)[], tolower = false): Atom {
  return { kind: 'atom', field: fl.name, tolower, list: fl.list, op, values };
}

const NUM_OPS: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

function globOf(toks: readonly Tok[]): string {
  return toks.map((t) => (t.t === 'any' ? '*' : t.t === 'one' ? '?' : t.v.replace(/[*?[\\]/g, (c) => `\\${c}`))).join('');
}

function strAtom(fl: EngineField, toks: Tok[], cased: boolean): ECond {
  if (toks.length === 1 && toks[0]!.t === 'any') return atom(fl, 'exists', []);
  const low = (s: string) => (cased ? s : s.toLowerCase());
  const needLower = !cased && !fl.lower;
  const whole = toksText(toks);
  if (whole !== undefined) return atom(fl, '=', [low(whole)], needLower);
  const inner = toks.slice(toks[0]?.t === 'any' ? 1 : 0, toks[toks.length - 1]?.t === 'any' ? -1 : undefined);
  const text = toksText(inner);
  if (text !== undefined && text !== '') {
    const head = toks[0]!.t === 'any';
    const tail = toks[toks.length - 1]!.t === 'any';
    if (head && tail) return atom(fl, cased ? 'contains' : 'icontains', [text]);
    return atom(fl, head ? 'endswith' : 'startswith', [low(text)], needLower);
  }
  return atom(fl, cased ? 'glob' : 'iglob', [globOf(toks)]);
}

function ipv4(s: string): number[] | undefined {
  const p = s.split('.');
  if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined;
  return p.map(Number);
}

/** IPv4 CIDR → prefixes (`10.` for /8) or, below an octet boundary, the enumerated octet values. */
function cidrAtom(fl: EngineField, cidr: string): Result<ECond> {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr.trim());
  const ip = m ? ipv4(m[1]!) : undefined;
  const bits = m ? Number(m[2]) : NaN;
  if (!m || !ip || bits > 32) return fail(`cidr '${cidr}': only IPv4 CIDR ranges are supported`);
  if (bits === 0) return ok(atom(fl, 'exists', []));
  const whole = Math.floor(bits / 8);
  const rest = bits % 8;
  const fixed = ip.slice(0, whole).join('.');
  if (rest === 0) return ok(bits === 32 ? atom(fl, '=', [ip.join('.')]) : atom(fl, 'startswith', [`${fixed}.`]));
  const base = ip[whole]! & (0xff << (8 - rest)) & 0xff;
  const octets = Array.from({ length: 1 << (8 - rest) }, (_, i) => base + i);
  const prefix = whole > 0 ? `${fixed}.` : '';
  if (whole === 3) return ok(atom(fl, '=', octets.map((o) => `${prefix}${o}`)));
  return ok({ kind: 'or', items: octets.map((o) => atom(fl, 'startswith', [`${prefix}${o}.`])) });
}

function regexAtom(fl: EngineField, pattern: string, flags: string): Result<ECond> {
  if (/[ms]/.test(flags)) return fail(`regex flags '${flags}': the engine's regex has no multi-line / dot-all mode`);
  const insensitive = flags.includes('i');
  if (insensitive && /\\[A-Z]/.test(pattern)) return fail(`regex '${pattern}' with 'i': upper-case escapes cannot be lower-cased safely`);
  // the engine anchors `regex` at both ends; Sigma regexes search anywhere in the value
  const p = `[\\s\\S]*?(?:${insensitive ? pattern.toLowerCase() : pattern})[\\s\\S]*`;
  try {
    new RegExp(`^(?:${p})$`);
  } catch (e) {
    return fail(`regex '${pattern}' is not valid: ${(e as Error).message}`);
  }
  return ok(atom(fl, 'regex', [p], insensitive));
}

export function checkAtom(c: Check, fl: EngineField): Result<ECond> {
  if (c.op === 'exists') return ok(atom(fl, 'exists', []));
  const v = c.value;
  if (c.op !== 'match') {
    if (v.kind !== 'num') return fail(`'${c.op}' needs a number`);
    return ok(atom(fl, NUM_OPS[c.op]!, [v.n]));
  }
  switch (v.kind) {
    case 'num':
      return ok(atom(fl, '=', [String(v.n)]));
    case 'bool':
      return ok(atom(fl, '=', [String(v.b)]));
    case 'null':
      return ok({ kind: 'not', item: atom(fl, 'exists', []) });
    case 'str':
      return ok(strAtom(fl, v.toks, c.cased));
    case 're':
      return regexAtom(fl, v.pattern, v.flags);
    case 'cidr':
      return cidrAtom(fl, v.cidr);
  }
}
