/**
 * Sigma condition expressions → a boolean tree over the named detections.
 * Precedence (least to most binding): or, and, not, `1 of` / `all of` (`any of` = `1 of`), parentheses.
 * A list of conditions is their OR. Aggregations (`| count() ...`) are not supported.
 */
import type { Cond, Result } from './types.ts';
import { and, fail, not, ok, or } from './types.ts';

type Tok = { k: 'lp' | 'rp' | 'and' | 'or' | 'not' | 'of1' | 'ofall' | 'them' } | { k: 'id'; v: string };

function tokenize(text: string): Result<Tok[]> {
  const out: Tok[] = [];
  const re = /\s*(\(|\)|[A-Za-z0-9_*.-]+|\S)/y;
  const words: string[] = [];
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < text.length && (m = re.exec(text))) words.push(m[1]!);
  if (text.slice(re.lastIndex).trim() !== '') return fail(`condition '${text}': cannot read '${text.slice(re.lastIndex).trim()}'`);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const lw = w.toLowerCase();
    if (w === '|') return fail(`condition '${text}': aggregation expressions ('| count() ...') are not supported; use a Sigma correlation rule or an Argus threshold`);
    if (w === '(') out.push({ k: 'lp' });
    else if (w === ')') out.push({ k: 'rp' });
    else if (lw === 'and' || lw === 'or' || lw === 'not' || lw === 'them') out.push({ k: lw });
    else if ((w === '1' || lw === 'any' || lw === 'all') && words[i + 1]?.toLowerCase() === 'of') {
      out.push({ k: lw === 'all' ? 'ofall' : 'of1' });
      i++;
    } else if (/^[A-Za-z0-9_*.-]+$/.test(w)) out.push({ k: 'id', v: w });
    else return fail(`condition '${text}': unexpected '${w}'`);
  }
  return ok(out);
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly defs: ReadonlyMap<string, Cond>,
  ) {}

  parse(): Cond {
    const e = this.or();
    if (this.i < this.toks.length) throw new Error(`unexpected '${this.show(this.toks[this.i]!)}'`);
    return e;
  }

  private show(t: Tok): string {
    return t.k === 'id' ? t.v : ({ lp: '(', rp: ')', of1: '1 of', ofall: 'all of' } as Record<string, string>)[t.k] ?? t.k;
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private or(): Cond {
    const items = [this.and()];
    while (this.peek()?.k === 'or') {
      this.i++;
      items.push(this.and());
    }
    return or(items);
  }

  private and(): Cond {
    const items = [this.not()];
    while (this.peek()?.k === 'and') {
      this.i++;
      items.push(this.not());
    }
    return and(items);
  }

  private not(): Cond {
    if (this.peek()?.k === 'not') {
      this.i++;
      return not(this.not());
    }
    return this.primary();
  }

  private primary(): Cond {
    const t = this.toks[this.i++];
    if (!t) throw new Error('unexpected end of condition');
    if (t.k === 'lp') {
      const e = this.or();
      if (this.toks[this.i++]?.k !== 'rp') throw new Error("missing ')'");
      return e;
    }
    if (t.k === 'of1' || t.k === 'ofall') {
      const target = this.toks[this.i++];
      let names: string[];
      if (target?.k === 'them') names = [...this.defs.keys()].filter((n) => !n.startsWith('_'));
      else if (target?.k === 'id') {
        const re = new RegExp(`^${target.v.replace(/[.-]/g, '\\$&').replace(/\*/g, '.*')}$`);
        names = [...this.defs.keys()].filter((n) => re.test(n));
        if (names.length === 0) throw new Error(`'${target.v}' matches no search identifier`);
      } else throw new Error(`expected a search identifier pattern or 'them' after '${this.show(t)}'`);
      const conds = names.map((n) => this.defs.get(n)!);
      return t.k === 'of1' ? or(conds) : and(conds);
    }
    if (t.k === 'id') {
      const d = this.defs.get(t.v);
      if (!d) throw new Error(`unknown search identifier '${t.v}'`);
      return d;
    }
    throw new Error(`unexpected '${this.show(t)}'`);
  }
}

export function parseSigmaCondition(text: string, defs: ReadonlyMap<string, Cond>): Result<Cond> {
  const toks = tokenize(text);
  if (!toks.ok) return toks;
  if (toks.value.length === 0) return fail('condition is empty');
  try {
    return ok(new Parser(toks.value, defs).parse());
  } catch (e) {
    return fail(`condition '${text}': ${(e as Error).message}`);
  }
}

/** `condition:` as a string or a list of strings (OR). */
export function conditionOf(raw: unknown, defs: ReadonlyMap<string, Cond>): Result<Cond> {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || list.some((c) => typeof c !== 'string')) return fail("'condition' must be a string or a list of strings");
  const out: Cond[] = [];
  for (const c of list as string[]) {
    const r = parseSigmaCondition(c, defs);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(or(out));
}
