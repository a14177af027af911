/**
 * Pipe stages after the filter:
 *   | stats agg[, agg...] [by f1, f2]       agg := count() | count | fn(field) [as name]
 *   | timechart [span=1m] agg... [by f]
 *   | sort [-]key[, ...]    | head [N]    | fields f1, f2    | where <filter>
 * Before stats/timechart/fields, names are event fields; after them, the stage's output columns.
 */
import type { Agg, AggFn, FieldRef, Stage } from '../core/index.ts';
import { fieldName, parseDuration } from '../core/index.ts';
import { fieldError, syntaxError } from './errors.ts';
import { resolveEventField, suggest } from './fields.ts';
import type { Lexer, Path, Token } from './lexer.ts';
import { FilterParser, describe } from './parser.ts';
import type { Resolver } from './parser.ts';

const FNS: Record<string, AggFn> = { count: 'count', dc: 'dc', distinct_count: 'dc', min: 'min', max: 'max', avg: 'avg', mean: 'avg', sum: 'sum' };
const COMMANDS = ['stats', 'timechart', 'sort', 'head', 'limit', 'fields', 'where'];

export class PipeParser {
  /** output column names once a stats/timechart/fields stage ran; undefined = events */
  private outputs: string[] | undefined;

  constructor(private readonly lx: Lexer) {}

  /** The current field resolver: event fields, or the previous stage's output columns. */
  resolver(): Resolver {
    const outputs = this.outputs;
    if (!outputs) return (p) => resolveEventField(this.lx.src, p);
    return (p) => this.resolveOutput(outputs, p.text, p.start, () => resolveEventField(this.lx.src, p));
  }

  private resolveOutput(outputs: string[], text: string, start: number, asField?: () => FieldRef): FieldRef {
    const exact = outputs.find((o) => o === text) ?? outputs.find((o) => o.toLowerCase() === text.toLowerCase());
    if (exact !== undefined) return { kind: 'output', name: exact };
    let viaField: string | undefined;
    try {
      viaField = asField ? fieldName(asField()) : undefined;
    } catch {
      viaField = undefined;
    }
    if (viaField !== undefined && outputs.includes(viaField)) return { kind: 'output', name: viaField };
    const hint = suggest(text, outputs);
    const advice = `${hint ? `did you mean '${hint}'? ` : ''}columns here: ${outputs.join(', ')}`;
    throw fieldError(this.lx.src, start, `unknown column '${text}'`, { field: text, suggestion: hint }, advice);
  }

  stages(): Stage[] {
    const out: Stage[] = [];
    for (;;) {
      const bar = this.lx.next('pipe');
      if (bar.t === 'eof') return out;
      if (bar.t !== '|') throw syntaxError(this.lx.src, bar.start, `unexpected ${describe(bar)}, expected '|' or the end`);
      out.push(this.stage());
    }
  }

  private stage(): Stage {
    const cmd = this.lx.next('pipe');
    const name = cmd.t === 'word' && !cmd.quoted ? cmd.text.toLowerCase() : '';
    switch (name) {
      case 'stats':
      case 'timechart':
        return this.aggregate(name);
      case 'sort':
        return { op: 'sort', keys: this.list(() => this.sortKey()) };
      case 'head':
      case 'limit': {
        const tok = this.lx.peek('pipe');
        if (tok.t !== 'word') return { op: 'head', n: 10 };
        this.lx.next('pipe');
        if (!/^\d+$/.test(tok.text)) throw syntaxError(this.lx.src, tok.start, `${name} expects a whole number, found ${describe(tok)}`);
        return { op: 'head', n: Number(tok.text) };
      }
      case 'fields': {
        const fields = this.list(() => this.field());
        this.outputs = fields.map(fieldName);
        return { op: 'fields', fields };
      }
      case 'where':
        return { op: 'where', filter: new FilterParser(this.lx, this.resolver()).parse() };
      default: {
        if (cmd.t === 'eof') throw syntaxError(this.lx.src, cmd.start, `expected a command after '|' (${COMMANDS.join(', ')})`);
        const hint = cmd.t === 'word' ? suggest(cmd.text, COMMANDS) : undefined;
        throw syntaxError(this.lx.src, cmd.start, `unknown command ${describe(cmd)}${hint ? ` (did you mean '${hint}'?)` : ` (expected ${COMMANDS.join(', ')})`}`);
      }
    }
  }

  private aggregate(cmd: 'stats' | 'timechart'): Stage {
    const aggs: Agg[] = [];
    let by: FieldRef[] = [];
    let spanMs = 0;
    const events = this.resolver();
    for (;;) {
      const tok = this.lx.peek('pipe');
      if (tok.t === 'eof' || tok.t === '|') break;
      if (tok.t === ',') {
        this.lx.next('pipe');
        continue;
      }
      if (tok.t !== 'word') throw syntaxError(this.lx.src, tok.start, `unexpected ${describe(tok)} in ${cmd}`);
      const word = tok.text.toLowerCase();
      if (!tok.quoted && word === 'by') {
        this.lx.next('pipe');
        by = this.list(() => this.field());
        break;
      }
      if (cmd === 'timechart' && !tok.quoted && word === 'span') {
        spanMs = this.span();
        continue;
      }
      aggs.push(this.agg(events));
    }
    if (aggs.length === 0) aggs.push({ fn: 'count', as: 'count' });
    const names = [...(cmd === 'timechart' ? ['time'] : []), ...by.map(fieldName), ...aggs.map((a) => a.as)];
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) throw syntaxError(this.lx.src, this.lx.pos, `duplicate column '${dup}' in ${cmd} (rename one with 'as')`);
    if (cmd === 'timechart' && by.length > 1) throw syntaxError(this.lx.src, this.lx.pos, 'timechart takes one by-field');
    if (cmd === 'timechart' && this.outputs) throw syntaxError(this.lx.src, this.lx.pos, 'timechart needs events: put it before stats or fields');
    this.outputs = names;
    if (cmd === 'stats') return { op: 'stats', aggs, by };
    return by[0] ? { op: 'timechart', spanMs, aggs, by: by[0] } : { op: 'timechart', spanMs, aggs };
  }

  private span(): number {
    this.lx.next('pipe');
    const eq = this.lx.next('pipe');
    if (eq.t !== '=') throw syntaxError(this.lx.src, eq.start, `expected '=' after span, found ${describe(eq)}`);
    const v = this.lx.next('pipe');
    if (v.t !== 'word') throw syntaxError(this.lx.src, v.start, `expected a duration after span=, found ${describe(v)}`);
    try {
      const ms = parseDuration(v.text, 'span');
      if (ms <= 0) throw new Error('zero');
      return ms;
    } catch {
      throw syntaxError(this.lx.src, v.start, `span must be a duration like 30s, 5m, 1h, found ${describe(v)}`);
    }
  }

  private agg(resolve: Resolver): Agg {
    const tok = this.lx.next('pipe') as Extract<Token, { t: 'word' }>;
    const fn = FNS[tok.text.toLowerCase()];
    if (!fn || tok.quoted) {
      const hint = suggest(tok.text, Object.keys(FNS));
      throw syntaxError(this.lx.src, tok.start, `unknown function ${describe(tok)}${hint ? ` (did you mean '${hint}'?)` : ' (use count, dc, min, max, avg, sum)'}`);
    }
    let field: FieldRef | undefined;
    if (this.lx.peek('pipe').t === '(' && this.lx.peek('pipe').start === tok.end) {
      this.lx.next('pipe');
      if (this.lx.peek('pipe').t !== ')') field = resolve(this.path());
      const close = this.lx.next('pipe');
      if (close.t !== ')') throw syntaxError(this.lx.src, close.start, `expected ')' after ${fn}(..., found ${describe(close)}`);
    } else if (fn !== 'count') {
      throw syntaxError(this.lx.src, tok.end, `${tok.text} needs a field, like ${tok.text}(user)`);
    }
    if (!field && fn !== 'count') throw syntaxError(this.lx.src, tok.start, `${fn}() needs a field, like ${fn}(user)`);
    let as = field ? `${fn}(${fieldName(field)})` : 'count';
    const next = this.lx.peek('pipe');
    if (next.t === 'word' && !next.quoted && next.text.toLowerCase() === 'as') {
      this.lx.next('pipe');
      const name = this.lx.next('pipe');
      if (name.t !== 'word' || name.text === '') throw syntaxError(this.lx.src, name.start, `expected a column name after 'as', found ${describe(name)}`);
      as = name.text;
    }
    return field ? { fn, field, as } : { fn, as };
  }

  private path(): Path {
    const tok = this.lx.next('pipe');
    if (tok.t === 'word' && tok.path) return tok.path;
    throw syntaxError(this.lx.src, tok.start, `expected a field name, found ${describe(tok)}`);
  }

  private field(): FieldRef {
    return this.resolver()(this.path());
  }

  private sortKey(): { field: FieldRef; desc: boolean } {
    let desc = false;
    const sign = this.lx.peek('pipe');
    if (sign.t === '-') {
      desc = true;
      this.lx.next('pipe');
    } else if (sign.t === 'word' && sign.text.startsWith('+')) {
      throw syntaxError(this.lx.src, sign.start, `write 'sort ${sign.text.slice(1)}' for ascending (or '-' for descending)`);
    }
    const path = this.path();
    const dir = (): boolean => {
      const t = this.lx.peek('pipe');
      if (t.t !== 'word' || t.quoted || !/^(asc|desc)$/i.test(t.text)) return desc;
      this.lx.next('pipe');
      return t.text.toLowerCase() === 'desc' ? !desc : desc;
    };
    if (!this.outputs) {
      const field = resolveEventField(this.lx.src, path);
      return { field, desc: dir() };
    }
    // after stats the key may be an aggregate name such as dc(user)
    let text = path.text;
    const open = this.lx.peek('pipe');
    if (open.t === '(' && open.start === this.lx.pos) {
      const startInner = this.lx.pos;
      while (this.lx.peek('pipe').t !== ')' && this.lx.peek('pipe').t !== 'eof') this.lx.next('pipe');
      const close = this.lx.next('pipe');
      text += this.lx.src.slice(startInner, close.end).replace(/\s+/g, '');
    }
    const field = this.resolveOutput(this.outputs, text, path.start, () => resolveEventField(this.lx.src, path));
    return { field, desc: dir() };
  }

  private list<T>(item: () => T): T[] {
    const out = [item()];
    for (;;) {
      const tok = this.lx.peek('pipe');
      if (tok.t === ',') {
        this.lx.next('pipe');
        out.push(item());
      } else if (tok.t === 'word' || tok.t === '-') out.push(item());
      else return out;
    }
  }
}
