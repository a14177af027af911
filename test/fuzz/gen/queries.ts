/**
 * Queries: grammar-shaped ones built from the language's tokens (docs/query-language.md), junk,
 * pathological `*` patterns, and the request parameters (limit, from/to/since, repeated keys).
 */
import fc from 'fast-check';

const FIELDS = [
  'id', 'ts', 'tsNanos', 'receivedAt', 'source', 'cluster', 'node', 'namespace', 'pod', 'container', 'stream', 'severityNumber',
  'severityText', 'message', 'user', 'groups', 'verb', 'resource', 'subresource', 'apiGroup', 'objectNamespace', 'objectName', 'code',
  'sourceIp', 'userAgent', 'stage', 'auditId', 'decision', 'reason', 'impersonatedUser', 'dedupKey', 'raw',
  'ns', 'level', 'severity', 'status', 'ip', 'src_ip', 'object', 'name', 'msg', 'host', 'group', 'username', 'ua', 'audit_id',
  'attrs.a', 'attrs.objectRef.name', 'attrs.responseStatus.code', 'attrs.sourceIPs', 'attrs."weird key".x', 'attrs.annotations."authorization.k8s.io/decision"',
  'attrs.fuzz', 'attrs.deep.a.a.a', 'attrs.""', 'attrs."\\""', 'namspace', 'usr', 'Verb', 'CODE', '@timestamp', '_x',
];
const OPS = [':', '=', '!=', '<', '<=', '>', '>=', ':>=', ':<=', ':>', ':<', '=='];
const WORDS = [
  'get', 'create', 'payments', 'system:*', 'api-*', '*', '**', '*a*', 'a*b*c', '*e*e*zq', 'error', 'timeout', 'AND', 'OR', 'NOT', 'and', 'not',
  '400', '-1', '0', '1.5', '1e309', '-0', '1.2e38', 'NaN', 'Infinity', '9007199254740993', 'now', 'now-15m', 'now-99999999999d', '15m', '0s',
  '2026-01-15T10:00:00Z', '2026-13-45T99:99:99Z', '1768471200000', 'warn', 'error', 'fatal', 'x:y:z', 'a/b/c', 'é', '%', '_', '\\', "'", '$', '10.0.0.1',
];
const AGGS = ['count()', 'count', 'count(user)', 'dc(user)', 'distinct_count(verb)', 'min(code)', 'max(code)', 'avg(code)', 'mean(code)', 'sum(code)', 'sum(user)', 'avg(attrs.a)', 'nope(x)', 'count() as n', 'dc(attrs.objectRef.name) as d'];
const SPANS = ['1m', '5m', '1ms', '0s', '1h', '7d', '1000000d', 'x', '-1m', '1.5m'];

const quoted = fc.string({ unit: fc.constantFrom('a', ' ', '*', '"', '\\', ':', '(', ')', '|', 'é', '\u0000', '\ud800', '%', '_'), maxLength: 12 }).map((s) => `"${s.replace(/"/g, '\\"')}"`);
const word = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...WORDS) }, { weight: 2, arbitrary: quoted }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9*:._/-]{1,12}$/) });
const field = fc.constantFrom(...FIELDS);

/** A filter expression: `depth` bounds the recursion of the generator itself. */
const filterArb: fc.Memo<string> = fc.memo((depth: number): fc.Arbitrary<string> => {
  const term = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(field, fc.constantFrom(...OPS), word).map(([f, o, w]) => `${f}${o}${w}`) },
    { weight: 3, arbitrary: word },
    { weight: 1, arbitrary: fc.tuple(field, fc.array(word, { minLength: 1, maxLength: 4 }), fc.constantFrom(' OR ', ' AND ', ' ')).map(([f, ws, j]) => `${f}:(${ws.join(j)})`) },
  );
  if (depth <= 1) return term;
  const sub = filterArb(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: term },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom(' AND ', ' OR ', ' ', ' and ', ' Or '), sub).map(([a, op, b]) => `${a}${op}${b}`) },
    { weight: 1, arbitrary: sub.map((s) => `(${s})`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('NOT ', '-', 'not '), sub).map(([n, s]) => `${n}${s}`) },
  );
});

const pipeArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.array(fc.constantFrom(...AGGS), { minLength: 1, maxLength: 3 }), fc.option(fc.array(field, { minLength: 1, maxLength: 3 }))).map(([a, by]) => `stats ${a.join(', ')}${by ? ` by ${by.join(', ')}` : ''}`),
  fc.tuple(fc.option(fc.constantFrom(...SPANS)), fc.constantFrom(...AGGS), fc.option(field)).map(([s, a, by]) => `timechart${s ? ` span=${s}` : ''} ${a}${by ? ` by ${by}` : ''}`),
  fc.array(fc.tuple(fc.constantFrom('', '-', '+'), fc.constantFrom(...FIELDS, 'count', 'n', 'dc(user)')), { minLength: 1, maxLength: 3 }).map((xs) => `sort ${xs.map(([d, f]) => d + f).join(', ')}`),
  fc.constantFrom('head', 'head 1', 'head 0', 'head -1', 'head 99999999999', 'limit 20', 'head x', 'head 1e9'),
  fc.array(field, { minLength: 1, maxLength: 4 }).map((fs) => `fields ${fs.join(', ')}`),
  fc.tuple(fc.constantFrom('count', 'n', 'user', 'code'), fc.constantFrom('>', '<', '=', '!=', ':'), fc.constantFrom('10', 'x', '-1', '1e999')).map(([f, o, v]) => `where ${f}${o}${v}`),
  fc.constantFrom('', 'nope', 'stats', 'timechart', 'sort', 'fields', 'where', 'stats by', 'stats count() by'),
);

export const grammarQueryArb: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(filterArb(4), fc.constant(''), fc.constant('*')), fc.array(pipeArb, { maxLength: 3 }))
  .map(([f, pipes]) => [f, ...pipes].join(' | '));

/** Wildcard patterns that make a backtracking matcher exponential (`*a*a*a*a*b` over long text). */
export const pathologicalArb: fc.Arbitrary<string> = fc
  .record({
    unit: fc.constantFrom('a', 'e', 'ab', 'e ', '%', '_'),
    k: fc.integer({ min: 2, max: 16 }),
    tail: fc.constantFrom('b', 'zq', '', 'x*', '"'),
    field: fc.constantFrom('', 'message:', 'user:', 'attrs.a:', 'pod:', 'attrs.long:'),
  })
  .map(({ unit, k, tail, field }) => `${field}${`*${unit}`.repeat(k)}*${tail}`);

export const junkQueryArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom('*', '(', ')', '"', '\\', '|', ':', '=', '<', '>', '!', '-', ' ', 'a', 'AND', 'OR', 'NOT', '.', ','), maxLength: 200 }),
  fc.integer({ min: 1, max: 10_000 }).map((n) => `${'('.repeat(n)}a${')'.repeat(n)}`),
  fc.integer({ min: 1, max: 10_000 }).map((n) => '('.repeat(n)),
  fc.integer({ min: 1, max: 5_000 }).map((n) => 'NOT '.repeat(n) + 'a'),
  fc.integer({ min: 1, max: 5_000 }).map((n) => '-'.repeat(n) + 'a'),
  fc.integer({ min: 1, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => `v${i}`).join(' OR ')),
  fc.integer({ min: 1, max: 300 }).map((n) => `verb:(${Array.from({ length: n }, (_, i) => `v${i}`).join(' OR ')})`),
  fc.integer({ min: 1000, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `v${i}`).join(' ')),
  fc.integer({ min: 1, max: 500 }).map((n) => Array.from({ length: n }, () => 'stats count()').join(' | ')),
  fc.record({ c: fc.constantFrom('a', '*', '"', 'é', '\\'), n: fc.integer({ min: 1000, max: 12_000 }) }).map(({ c, n }) => c.repeat(n)),
  fc.integer({ min: 1, max: 2000 }).map((n) => `attrs.${Array.from({ length: n }, (_, i) => `k${i}`).join('.')}:x`),
);

const TIMES = ['', 'now', 'now-15m', '15m', '0', '1768471200000', '99999999999999999', '-1', '1e400', '2026-01-15T10:00:00Z', '2026-13-45', 'yesterday', '1m1m1m', 'now-0s', '0000-01-01', '9999-12-31T23:59:59Z'];
const LIMITS = ['', '1', '100', '100000', '100001', '0', '-1', '1.5', 'x', '1e3', '99999999999999999999', ' 5'];

export interface QueryParams {
  q: string;
  limit?: string;
  from?: string;
  to?: string;
  since?: string;
  /** the same key twice (`q=a&q=b` arrives as an array) */
  repeat?: 'q' | 'limit' | 'from';
  /** appended to the encoded q as it is: invalid UTF-8 (%FF), a lone %, an overlong NUL */
  rawTail?: string;
}

export function paramsArb(q: fc.Arbitrary<string>): fc.Arbitrary<QueryParams> {
  return fc.record(
    {
      q,
      limit: fc.constantFrom(...LIMITS),
      from: fc.constantFrom(...TIMES),
      to: fc.constantFrom(...TIMES),
      since: fc.constantFrom(...TIMES),
      repeat: fc.constantFrom('q', 'limit', 'from'),
      rawTail: fc.constantFrom('%FF', '%C0%80', '%ED%A0%80', '%00', '%', '%zz', '%E2%82', '+', '%2B%26q%3D'),
    },
    { requiredKeys: ['q'] },
  ) as fc.Arbitrary<QueryParams>;
}

/** Percent-encodes the UTF-8 bytes of `s` (a lone surrogate becomes U+FFFD: encodeURIComponent would throw). */
export function pct(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function queryString(p: QueryParams): string {
  const parts: string[] = [`q=${pct(p.q)}${p.rawTail ?? ''}`];
  for (const k of ['limit', 'from', 'to', 'since'] as const) if (p[k] !== undefined) parts.push(`${k}=${pct(p[k]!)}`);
  if (p.repeat) parts.push(`${p.repeat}=${pct(p.repeat === 'q' ? 'verb:get' : p.repeat === 'limit' ? '5' : 'now-1h')}`);
  return parts.join('&');
}
