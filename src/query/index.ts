export { parseQuery, MAX_QUERY_LENGTH } from './parse-query.ts';
export { compileFilter } from './evaluate.ts';
export { FIELD_ALIASES } from './fields.ts';
