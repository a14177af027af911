/**
 * Cursor-based lexer for the filter grammar. As in libsinsp, tokens depend on the parser's
 * position (a bare string and a field name overlap), so the parser asks for the token it
 * expects at the cursor instead of reading a token stream.
 */
import type { SourceText } from './source-text.ts';
import { badRuleAt } from './source-text.ts';

const RX = {
  notBlank: /not\s+/y,
  identifier: /[a-zA-Z]+[a-zA-Z0-9_]*/y,
  fieldName: /[a-zA-Z]+[a-zA-Z0-9_]*(?:\.[a-zA-Z]+[a-zA-Z0-9_]*)+/y,
  fieldArgBare: /[^\][\s"']+/y,
  hexNum: /0[xX][0-9a-fA-F]+/y,
  num: /[+-]?[0-9]+\.?[0-9]*(?:[eE][+-][0-9]+)?/y,
  bareStr: /[^()"'\s=,]+/y,
};

export type RxName = keyof typeof RX;

const BLANKS = new Set([' ', '\t', '\b', '\r', '\n']);

export class Lexer {
  readonly src: SourceText;
  readonly input: string;
  pos = 0;
  last = '';

  constructor(src: SourceText) {
    this.src = src;
    this.input = src.text;
  }

  get done(): boolean {
    return this.pos >= this.input.length;
  }

  peek(n = 1): string {
    return this.input.slice(this.pos, this.pos + n);
  }

  /** Skips blanks; true when at least one was skipped. */
  blank(): boolean {
    const start = this.pos;
    while (this.pos < this.input.length && BLANKS.has(this.input[this.pos]!)) this.pos++;
    return this.pos > start;
  }

  rx(name: RxName): boolean {
    const re = RX[name];
    re.lastIndex = this.pos;
    const m = re.exec(this.input);
    if (!m) return false;
    this.last = m[0];
    this.pos += m[0].length;
    return true;
  }

  str(s: string): boolean {
    if (this.input.startsWith(s, this.pos)) {
      this.last = s;
      this.pos += s.length;
      return true;
    }
    return false;
  }

  /** Operators from a list; word operators ("contains") need a blank after them. */
  op(list: readonly string[], needBlank: (op: string) => boolean): boolean {
    for (const op of list) {
      const save = this.pos;
      if (!this.str(op)) continue;
      if (!needBlank(op)) return true;
      if (this.blank()) {
        this.last = op;
        return true;
      }
      this.pos = save;
    }
    return false;
  }

  /** A '...' or "..." string, unescaped as libsinsp does; `last` is the unescaped value. */
  quoted(): boolean {
    const q = this.input[this.pos];
    if (q !== '"' && q !== "'") return false;
    let prev = '\\';
    for (let i = this.pos; i < this.input.length; i++) {
      const c = this.input[i]!;
      if (c === q && prev !== '\\' && i > this.pos) {
        this.last = this.unescape(this.input.slice(this.pos, i + 1), this.pos);
        this.pos = i + 1;
        return true;
      }
      prev = c;
    }
    return false;
  }

  private unescape(s: string, at: number): string {
    let out = '';
    const q = s[0]!;
    for (let i = 1; i < s.length - 1; i++) {
      const c = s[i]!;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = s[++i]!;
      const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', ' ': '\\', '\\': '\\', '/': '/' };
      if (e in simple) out += simple[e];
      else if (e === '"' || e === "'") {
        if (e !== q) throw this.error(`invalid \\${e} escape in ${q}-quoted string`, at + i);
        out += e;
      } else if (e === 'x') {
        const hex = s.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw this.error(`invalid hex char escape sequence: ${hex}`, at + i);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
      } else throw this.error(`unsupported string escape sequence: \\${e}`, at + i);
    }
    return out;
  }

  /** True when the next word is and/or/not (so `= oneof` is a value, not a modifier). */
  boolKeywordFollows(): boolean {
    return /^(and|or|not)(?![a-zA-Z0-9])/.test(this.input.slice(this.pos, this.pos + 4));
  }

  error(message: string, at: number = this.pos): Error {
    return badRuleAt(this.src, at, message);
  }
}
