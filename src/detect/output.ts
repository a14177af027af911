/**
 * Output templates: `%field` and `%field[arg]` are replaced by the event's value, Falco-style:
 * `<NA>` when missing, `(a,b)` for lists. Unknown fields are a BAD_RULE at their position.
 */
import type { LogEvent } from '../core/index.ts';
import type { CompileContext } from './compile.ts';
import { compileField } from './compile.ts';
import { isColumn } from './fields-argus.ts';
import { isKnownFieldName } from './fields.ts';
import type { FieldValue } from './json-values.ts';
import type { SourceText } from './source-text.ts';
import { badRuleAt } from './source-text.ts';

export type Renderer = (ev: LogEvent) => string;

export function formatValue(v: FieldValue): string {
  if (v === undefined) return '<NA>';
  if (typeof v === 'object') return `(${v.join(',')})`;
  return String(v);
}

const NAME = /[a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)*/y;

/** Longest prefix of `name` (cut at dots) that is a known field. */
function knownPrefix(name: string): string | undefined {
  let n = name;
  for (;;) {
    if (n.includes('.') ? isKnownFieldName(n) : isColumn(n)) return n;
    const dot = n.lastIndexOf('.');
    if (dot < 0) return undefined;
    n = n.slice(0, dot);
  }
}

export function compileOutput(src: SourceText, ctx: CompileContext): Renderer {
  const t = src.text;
  const parts: (string | ((ev: LogEvent) => FieldValue))[] = [];
  let lit = '';
  let i = 0;
  while (i < t.length) {
    const c = t[i]!;
    if (c !== '%') {
      lit += c;
      i++;
      continue;
    }
    NAME.lastIndex = i + 1;
    const m = NAME.exec(t);
    const name = m ? knownPrefix(m[0]) : undefined;
    if (!m || !name) {
      if (m) throw badRuleAt(src, i, `invalid formatting token: unknown field '${m[0]}'`);
      lit += c;
      i++;
      continue;
    }
    let end = i + 1 + name.length;
    let arg: string | undefined;
    if (t[end] === '[') {
      const close = t.indexOf(']', end);
      if (close < 0) throw badRuleAt(src, end, "expected a ']' token");
      arg = t.slice(end + 1, close);
      end = close + 1;
    }
    if (lit) parts.push(lit);
    lit = '';
    const ref = { kind: 'field' as const, name, pos: i + 1, src, ...(arg !== undefined ? { arg } : {}) };
    parts.push(compileField(ref, ctx).get);
    i = end;
  }
  if (lit) parts.push(lit);
  return (ev) => {
    let s = '';
    for (const p of parts) s += typeof p === 'string' ? p : formatValue(p(ev));
    return s;
  };
}
