/**
 * A tiny SQL builder that keeps text and positional parameters in step: a `Frag` is SQL text
 * with `?` placeholders plus their values, in order. User values only ever enter as params;
 * identifiers only from the column whitelist (`col`) or renderer-made aliases (`alias`).
 */
import { ArgusError, EVENT_COLUMNS } from '../../core/index.ts';
import type { EventColumn } from '../../core/index.ts';

export interface Frag {
  sql: string;
  params: unknown[];
}

const COLUMN_SET: ReadonlySet<string> = new Set(EVENT_COLUMNS);

/** Raw SQL text written by the renderer (never user input). */
export function raw(sql: string): Frag {
  return { sql, params: [] };
}

/** One bound parameter. */
export function param(value: unknown): Frag {
  return { sql: '?', params: [value] };
}

/** A whitelisted event column, quoted. */
export function col(name: EventColumn): Frag {
  if (!COLUMN_SET.has(name)) throw new ArgusError('QUERY_FIELD', `unknown column '${String(name)}'`);
  return raw(`"${name}"`);
}

/** A renderer-made alias (`_c0`, `_s1`), quoted. */
export function alias(name: string): Frag {
  if (!/^_[a-z]\d+$/.test(name)) throw new ArgusError('INTERNAL', `bad internal alias '${name}'`);
  return raw(`"${name}"`);
}

/** Template tag: interpolated Frags are spliced (with their params), anything else is bound. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Frag {
  let text = strings[0] ?? '';
  const params: unknown[] = [];
  values.forEach((v, i) => {
    if (isFrag(v)) {
      text += v.sql;
      params.push(...v.params);
    } else {
      text += '?';
      params.push(v);
    }
    text += strings[i + 1] ?? '';
  });
  return { sql: text, params };
}

export function join(frags: Frag[], sep: string): Frag {
  return { sql: frags.map((f) => f.sql).join(sep), params: frags.flatMap((f) => f.params) };
}

function isFrag(v: unknown): v is Frag {
  return typeof v === 'object' && v !== null && 'sql' in v && 'params' in v && Array.isArray((v as Frag).params);
}

/** A LIKE pattern (with `ESCAPE '\'`) for a lower-cased value; `*` becomes `%` when wildcard. */
export function likePattern(value: string, wildcard: boolean): string {
  const escaped = value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return wildcard ? escaped.replace(/\*/g, '%') : escaped;
}

/** An RE2 pattern char for char: ASCII punctuation escaped, control characters as \x{..}. */
function re2Literal(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (/[A-Za-z0-9_ ]/.test(ch) || code > 0x7f) out += ch;
    else if (code < 0x20 || code === 0x7f) out += `\\x{${code.toString(16)}}`;
    else out += `\\${ch}`;
  }
  return out;
}

/**
 * The RE2 full-match pattern (for `regexp_full_match`) of a lowercased wildcard value: `*` is any
 * run of characters, newlines included. RE2 runs in linear time; DuckDB's LIKE backtracks on
 * patterns such as `%a%a%a%b` (polynomial in the text length per literal run).
 */
export function re2Wildcard(value: string): string {
  return '(?s)' + value.toLowerCase().split('*').map(re2Literal).join('.*');
}

/** A DuckDB JSON path for an attrs path: ['objectRef', 'name'] -> `$."objectRef"."name"`. */
export function jsonPath(path: string[]): string {
  if (path.length === 0) throw new ArgusError('QUERY_FIELD', 'empty attrs path');
  // DuckDB reads a key that is exactly `*` (even quoted) as a wildcard
  if (path.some((k) => k === '*' || k === '**')) throw new ArgusError('QUERY_FIELD', `attrs key '*' is not supported in a path`);
  return '$' + path.map((k) => `."${k.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join('');
}

/** Values that look like numbers (both the SQL and the JS side use exactly this shape). */
export const NUMERIC_RE_SOURCE = '-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?';
