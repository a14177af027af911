/**
 * Recursive-descent parser for the filter part of a query (and `| where`):
 *   or    := and (OR and)*
 *   and   := not ((AND)? not)*          adjacent terms are ANDed
 *   not   := (NOT | '-') not | '(' or ')' | term
 *   term  := field op value | field op '(' values ')' | word | "phrase"
 * Precedence NOT > AND > OR; keywords are case-insensitive.
 */
import type { CmpOp, FieldRef, Filter } from '../core/index.ts';
import { syntaxError } from './errors.ts';
import type { Lexer, Mode, Path, Token } from './lexer.ts';
import { normalize } from './normalize.ts';
import { cmpLeaf, matchLeaf } from './values.ts';
import type { ValueTok } from './values.ts';

export type Resolver = (path: Path) => FieldRef;

type Keyword = 'and' | 'or' | 'not';

function keyword(tok: Token): Keyword | undefined {
  if (tok.t !== 'word' || tok.quoted) return undefined;
  const k = tok.text.toLowerCase();
  return k === 'and' || k === 'or' || k === 'not' ? k : undefined;
}

export function describe(tok: Token): string {
  if (tok.t === 'eof') return 'end of query';
  if (tok.t === 'word') return tok.quoted ? `"${tok.text}"` : `'${tok.text}'`;
  if (tok.t === 'field') return `'${tok.path.text}'`;
  return `'${tok.t}'`;
}

/** Max nesting of parentheses and NOTs (keeps recursion bounded). */
const MAX_DEPTH = 64;

export class FilterParser {
  private depth = 0;

  constructor(
    private readonly lx: Lexer,
    private readonly resolve: Resolver,
  ) {}

  /** A whole filter up to `|` or the end; an empty one is `true`. */
  parse(): Filter {
    const first = this.lx.peek('term');
    if (first.t === 'eof' || first.t === '|') return { op: 'true' };
    const f = this.or('term', () => this.term());
    const tok = this.lx.peek('term');
    if (tok.t !== 'eof' && tok.t !== '|') throw syntaxError(this.lx.src, tok.start, `unexpected ${describe(tok)}`);
    return normalize(f);
  }

  private or(mode: Mode, atom: () => Filter): Filter {
    const args = [this.and(mode, atom)];
    while (keyword(this.lx.peek(mode)) === 'or') {
      this.lx.next(mode);
      args.push(this.and(mode, atom));
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  }

  private and(mode: Mode, atom: () => Filter): Filter {
    const args = [this.not(mode, atom)];
    for (;;) {
      const tok = this.lx.peek(mode);
      const kw = keyword(tok);
      if (kw === 'and') {
        this.lx.next(mode);
        args.push(this.not(mode, atom));
      } else if (kw === 'not' || (kw === undefined && (tok.t === 'word' || tok.t === 'field' || tok.t === '(' || tok.t === '-'))) {
        args.push(this.not(mode, atom));
      } else break;
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  }

  private not(mode: Mode, atom: () => Filter): Filter {
    const tok = this.lx.peek(mode);
    if (++this.depth > MAX_DEPTH) throw syntaxError(this.lx.src, tok.start, `query is nested too deeply (at most ${MAX_DEPTH} levels)`);
    try {
      return this.notInner(mode, atom, tok);
    } finally {
      this.depth--;
    }
  }

  private notInner(mode: Mode, atom: () => Filter, tok: Token): Filter {
    if (keyword(tok) === 'not' || tok.t === '-') {
      this.lx.next(mode);
      return { op: 'not', arg: this.not(mode, atom) };
    }
    if (tok.t === '(') {
      this.lx.next(mode);
      const inner = this.or(mode, atom);
      const close = this.lx.next(mode);
      if (close.t !== ')') throw syntaxError(this.lx.src, close.start, `expected ')' to close the '(' at column ${tok.start + 1}, found ${describe(close)}`);
      return inner;
    }
    return atom();
  }

  private term(): Filter {
    const tok = this.lx.next('term');
    if (tok.t === 'field') return this.fieldTerm(tok.path, tok.op, tok.end);
    if (tok.t === 'word') {
      const kw = keyword(tok);
      if (kw) throw syntaxError(this.lx.src, tok.start, `expected a search term, found ${kw.toUpperCase()}`, { hint: `quote it to search the word: "${tok.text}"` });
      if (!tok.quoted && /^\*+$/.test(tok.text)) return { op: 'true' };
      return { op: 'text', value: tok.text, wildcard: !tok.quoted && tok.text.includes('*') };
    }
    throw this.expectedTerm(tok);
  }

  private expectedTerm(tok: Token): Error {
    if (tok.t === 'eof') return syntaxError(this.lx.src, tok.start, 'unexpected end of query, expected a search term');
    return syntaxError(this.lx.src, tok.start, `unexpected ${describe(tok)}`);
  }

  private fieldTerm(path: Path, op: ':' | CmpOp, end: number): Filter {
    const ref = this.resolve(path);
    const src = this.lx.src;
    if (this.lx.atSpace()) throw syntaxError(src, end, `missing value after '${src.slice(path.start, end)}'`);
    if (op === ':' || op === '=' || op === '!=') {
      const value = this.valueExpr(ref);
      return op === '!=' ? { op: 'and', args: [{ op: 'exists', field: ref }, { op: 'not', arg: value }] } : value;
    }
    return cmpLeaf(src, ref, op, this.oneValue(), path.segs.length === 1 ? path.segs[0]! : '');
  }

  /** A single value, or a parenthesized boolean group of values: `verb:(create OR update)`. */
  private valueExpr(ref: FieldRef): Filter {
    const tok = this.lx.peek('value');
    if (tok.t !== '(') return matchLeaf(this.lx.src, ref, this.oneValue());
    return this.not('value', () => matchLeaf(this.lx.src, ref, this.oneValue()));
  }

  private oneValue(): ValueTok {
    const tok = this.lx.next('value');
    if (tok.t !== 'word') throw syntaxError(this.lx.src, tok.start, `expected a value, found ${describe(tok)}`);
    return { text: tok.text, quoted: tok.quoted, start: tok.start };
  }
}
