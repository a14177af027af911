/**
 * Field names users may type: every event column (case-insensitive), a few friendly aliases,
 * and `attrs.<path>`. Unknown names fail with the closest known one as a suggestion.
 */
import { EVENT_COLUMNS } from '../core/index.ts';
import type { EventColumn, FieldRef } from '../core/index.ts';
import { fieldError } from './errors.ts';
import type { Path } from './lexer.ts';

/** Friendly aliases (documented in docs/query-language.md). */
export const FIELD_ALIASES: Readonly<Record<string, EventColumn>> = {
  ns: 'namespace',
  level: 'severityText',
  severity: 'severityText',
  status: 'code',
  ip: 'sourceIp',
  src_ip: 'sourceIp',
  client_ip: 'sourceIp',
  object: 'objectName',
  name: 'objectName',
  msg: 'message',
  host: 'node',
  group: 'groups',
  username: 'user',
  ua: 'userAgent',
  user_agent: 'userAgent',
  audit_id: 'auditId',
  api_group: 'apiGroup',
  object_namespace: 'objectNamespace',
};

const BY_LOWER = new Map<string, EventColumn>();
for (const c of EVENT_COLUMNS) BY_LOWER.set(c.toLowerCase(), c);
for (const [a, c] of Object.entries(FIELD_ALIASES)) BY_LOWER.set(a, c);

/** Resolves a typed path to an event field; throws QUERY_FIELD with a suggestion. */
export function resolveEventField(query: string, path: Path): FieldRef {
  const [head, ...rest] = path.segs;
  const lower = (head ?? '').toLowerCase();
  if (lower === 'attrs') {
    if (rest.length === 0) throw fieldError(query, path.start, `'attrs' needs a path, like attrs.objectRef.name`, { field: path.text });
    return { kind: 'attr', path: rest };
  }
  const column = BY_LOWER.get(lower);
  if (column && rest.length === 0) return { kind: 'column', name: column };
  let hint = column ? `attrs.${path.segs.join('.')}` : suggest(rest.length > 0 ? `${head ?? ''}.` : path.text, [...BY_LOWER.keys(), 'attrs.']);
  if (hint === 'attrs.' || hint === 'attrs') hint = rest.length > 0 ? `attrs.${rest.join('.')}` : undefined;
  const why = column ? `'${column}' has no sub-fields` : `unknown field '${path.text}'`;
  const advice = `${hint ? `did you mean '${hint}'? ` : ''}to search text containing ':' put it in quotes`;
  throw fieldError(query, path.start, why, { field: path.text, suggestion: hint }, advice);
}

/** The known name closest to `name` (edit distance), or undefined when nothing is close. */
export function suggest(name: string, known: Iterable<string>): string | undefined {
  const n = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(n, k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  const display = best !== undefined ? (BY_LOWER.get(best) ?? best) : undefined;
  return bestD <= Math.max(2, Math.floor(n.length / 3)) ? display : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
