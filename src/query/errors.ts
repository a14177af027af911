import { ArgusError } from '../core/index.ts';

/** Message plus the query with a caret under the 0-based position `pos`. */
function pointAt(query: string, pos: number, message: string, hint?: string): string {
  const line = query.replace(/[\r\n\t]/g, ' ');
  return `${message} at column ${pos + 1}${hint ? ` (${hint})` : ''}\n  ${line}\n  ${' '.repeat(Math.max(0, pos))}^`;
}

/** QUERY_SYNTAX error pointing at a 1-based column (details.column). */
export function syntaxError(query: string, pos: number, message: string, details: Record<string, unknown> = {}): ArgusError {
  return new ArgusError('QUERY_SYNTAX', pointAt(query, pos, message), { column: pos + 1, ...details });
}

/** QUERY_FIELD error (unknown field, bad value for a field's type) pointing at a column. */
export function fieldError(query: string, pos: number, message: string, details: Record<string, unknown> = {}, hint?: string): ArgusError {
  return new ArgusError('QUERY_FIELD', pointAt(query, pos, message, hint), { column: pos + 1, ...details });
}
