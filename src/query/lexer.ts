/**
 * An on-demand lexer: the parser asks for the next token in a mode, because what a character
 * means depends on where it is (`user:system:*` is a field then a value; `(` after `verb:` opens
 * a value group; `,` and `=` only separate things inside pipe stages).
 */
import { syntaxError } from './errors.ts';

export type Op = ':' | '=' | '!=' | '<' | '<=' | '>' | '>=';
export type Mode = 'term' | 'value' | 'pipe';

export interface Path {
  segs: string[];
  text: string;
  start: number;
}

export type Token =
  | { t: '(' | ')' | '|' | ',' | '=' | '-' | 'eof'; start: number; end: number }
  | { t: 'word'; text: string; quoted: boolean; path?: Path; start: number; end: number }
  | { t: 'field'; path: Path; op: Op; opStart: number; start: number; end: number };

// longest first; `:>=` etc. are Kibana-style spellings of `>=`
const OPS: [string, Op][] = [
  [':>=', '>='],
  [':<=', '<='],
  ['!=', '!='],
  ['>=', '>='],
  ['<=', '<='],
  ['==', '='],
  [':>', '>'],
  [':<', '<'],
  [':', ':'],
  ['=', '='],
  ['>', '>'],
  ['<', '<'],
];

const IDENT_START = /[A-Za-z_@]/;
const IDENT_REST = /[\w@$-]/;

export class Lexer {
  pos = 0;
  constructor(readonly src: string) {}

  peek(mode: Mode): Token {
    return this.scan(this.pos, mode);
  }

  next(mode: Mode): Token {
    const tok = this.scan(this.pos, mode);
    this.pos = tok.end;
    return tok;
  }

  /** True when whitespace (or nothing) follows the current position. */
  atSpace(): boolean {
    const c = this.src[this.pos];
    return c === undefined || /\s/.test(c);
  }

  private scan(from: number, mode: Mode): Token {
    const s = this.src;
    let i = from;
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) return { t: 'eof', start: i, end: i };
    const c = s[i]!;
    if (c === '(' || c === ')' || c === '|') return { t: c, start: i, end: i + 1 };
    if (mode === 'pipe' && (c === ',' || c === '=')) return { t: c, start: i, end: i + 1 };
    if (c === '"') {
      const q = this.quoted(i);
      return { t: 'word', text: q.text, quoted: true, start: i, end: q.end };
    }
    if (c === '-' && mode !== 'value' && i + 1 < s.length && !/[\s)|,]/.test(s[i + 1]!)) return { t: '-', start: i, end: i + 1 };
    const path = this.path(i);
    if (path && mode === 'term') {
      for (const [text, op] of OPS) {
        if (s.startsWith(text, path.end)) {
          return { t: 'field', path: path.path, op, opStart: path.end, start: i, end: path.end + text.length };
        }
      }
    }
    const stop = mode === 'pipe' ? /[\s()|",=]/ : /[\s()|"]/;
    if (path && mode === 'pipe' && (path.end >= s.length || stop.test(s[path.end]!))) {
      return { t: 'word', text: path.path.text, quoted: false, path: path.path, start: i, end: path.end };
    }
    let j = i;
    while (j < s.length && !stop.test(s[j]!)) j++;
    return { t: 'word', text: s.slice(i, j), quoted: false, start: i, end: j };
  }

  /** A field path at i: ident ('.' (segment | "quoted"))*. */
  private path(i: number): { path: Path; end: number } | undefined {
    const s = this.src;
    if (!IDENT_START.test(s[i] ?? '')) return undefined;
    let j = i + 1;
    while (j < s.length && IDENT_REST.test(s[j]!)) j++;
    const segs = [s.slice(i, j)];
    while (s[j] === '.') {
      if (s[j + 1] === '"') {
        const q = this.quoted(j + 1);
        segs.push(q.text);
        j = q.end;
        continue;
      }
      let k = j + 1;
      while (k < s.length && IDENT_REST.test(s[k]!)) k++;
      if (k === j + 1) break;
      segs.push(s.slice(j + 1, k));
      j = k;
    }
    return { path: { segs, text: s.slice(i, j), start: i }, end: j };
  }

  /** A "quoted string" at i (`\"` and `\\` are escapes; other backslashes are kept). */
  private quoted(i: number): { text: string; end: number } {
    const s = this.src;
    let out = '';
    let j = i + 1;
    while (j < s.length) {
      const c = s[j]!;
      if (c === '"') return { text: out, end: j + 1 };
      if (c === '\\' && (s[j + 1] === '"' || s[j + 1] === '\\')) {
        out += s[j + 1];
        j += 2;
        continue;
      }
      out += c;
      j++;
    }
    throw syntaxError(s, i, 'unterminated string (missing closing ")');
  }
}
