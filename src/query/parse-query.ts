import { ArgusError } from '../core/index.ts';
import type { QueryPlan } from '../core/index.ts';
import { Lexer } from './lexer.ts';
import { FilterParser } from './parser.ts';
import { PipeParser } from './pipes.ts';

/** Max query length; longer input is a QUERY_SYNTAX error rather than work. */
export const MAX_QUERY_LENGTH = 10_000;

/**
 * Parses the Argus query language (docs/query-language.md) into a QueryPlan.
 * Throws ArgusError QUERY_SYNTAX / QUERY_FIELD with `details.column` (1-based).
 */
export function parseQuery(text: string): QueryPlan {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new ArgusError('QUERY_SYNTAX', `query is too long (${text.length} characters, at most ${MAX_QUERY_LENGTH})`, { column: MAX_QUERY_LENGTH + 1 });
  }
  const lx = new Lexer(text);
  const pipes = new PipeParser(lx);
  const filter = new FilterParser(lx, pipes.resolver()).parse();
  const stages = pipes.stages();
  return { filter, stages };
}
