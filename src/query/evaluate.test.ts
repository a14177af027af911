/**
 * Differential test: the same queries through the JS evaluator and through DuckDB (the rendered
 * SQL over a real in-memory table) must select exactly the same events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Filter, LogEvent } from '../core/index.ts';
import { renderDuckDb } from '../store/sql/duckdb-render.ts';
import { openTestDb } from '../store/sql/duckdb-test-db.ts';
import type { TestDb } from '../store/sql/duckdb-test-db.ts';
import { compileFilter, parseQuery } from './index.ts';

/** Small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function generate(n: number): LogEvent[] {
  const r = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = <T>(v: T, p = 0.8): T | undefined => (r() < p ? v : undefined);
  const T0 = Date.UTC(2026, 0, 15, 10);
  const out: LogEvent[] = [];
  for (let i = 0; i < n; i++) {
    const user = pick(['alice', 'Bob', 'system:serviceaccount:kube-system:default', 'system:node:n1', 'carol@example.com', '', 'a_b%c']);
    const attrs: Record<string, unknown> = {};
    if (r() < 0.7) attrs.objectRef = { name: pick(['api-1', 'api-2', 'web', 'Pay_1', '']), namespace: pick(['payments', 'web']) };
    if (r() < 0.5) attrs.responseStatus = { code: pick([200, 201, 403, 404, 500, 1.5]) };
    if (r() < 0.4) attrs.sourceIPs = pick([['10.0.0.1'], ['10.0.0.1', '192.168.1.7'], [], [null, '10.1.1.1']]);
    if (r() < 0.3) attrs['weird key'] = { x: pick(['y', 'Y', 'z', true, 7, null]) };
    if (r() < 0.2) attrs.flag = pick([true, false, null, '12', 'abc']);
    out.push({
      id: `ev${String(i).padStart(4, '0')}`,
      ts: T0 + i * 1000,
      receivedAt: T0 + i * 1000 + 7,
      source: pick(['k8s_audit', 'container', 'nginx']),
      namespace: maybe(pick(['payments', 'web', 'kube-system', 'Payments'])),
      pod: maybe(pick(['api-7f9c', 'api-x', 'web-1', 'db-0'])),
      severityNumber: pick([0, 9, 13, 17, 21]),
      severityText: maybe(pick(['INFO', 'WARN', 'ERROR', 'error'])),
      message: pick(['Connection refused by upstream', 'connection REFUSED', 'GET /api/v1 200', 'timeout after 5s', '100% done', 'path C:\\temp', 'it\'s "quoted"', '', 'line one\nline two', 'a.+(x)[y]{z}|^$ \\d tail', 'aaaa abab aab b']),
      user: maybe(user),
      groups: maybe(pick([['system:authenticated'], ['dev', 'system:masters'], [], ['Dev']])),
      verb: maybe(pick(['get', 'list', 'create', 'update', 'delete', 'GET'])),
      code: maybe(pick([200, 201, 401, 403, 404, 500])),
      sourceIp: maybe(pick(['10.0.0.1', '192.168.1.7'])),
      attrs,
    });
  }
  return out;
}

const QUERIES = [
  '',
  'namespace:payments',
  'namespace:payments AND verb:(create OR update) AND NOT user:system:* AND "connection refused"',
  'ns:pay*',
  'user:*',
  'NOT user:*',
  'user:""',
  'user:system:serviceaccount:kube-system:default',
  'user:a_b%c',
  'user:a*c',
  'verb!=get',
  'NOT verb:get',
  'code>=400',
  'code<300 OR code:404',
  'code!=200',
  'code:4*',
  'status:(401 OR 403)',
  'ts>=2026-01-15T10:01:00Z AND ts<2026-01-15T10:02:00Z',
  'severityNumber>=17',
  'level>=warn',
  'level:error',
  'groups:system:masters',
  'groups:dev',
  'groups:*',
  'NOT groups:dev',
  'groups!=dev',
  'attrs.objectRef.name:api-*',
  'attrs.objectRef.name:*',
  'attrs.objectRef:*',
  'attrs.responseStatus.code>=403',
  'attrs.responseStatus.code:404',
  'attrs.responseStatus.code<2',
  'attrs.sourceIPs:10.0.0.1',
  'attrs.sourceIPs:*',
  'attrs.sourceIPs:192.*',
  'attrs."weird key".x:y',
  'attrs."weird key".x:true',
  'attrs."weird key".x>5',
  'attrs."weird key".x:*',
  'attrs.flag:true OR attrs.flag>10',
  'attrs.flag>b',
  'attrs.objectRef.name>=b',
  'user>=b',
  'refused',
  'conn*refused',
  '"100%"',
  '"C:\\\\temp"',
  '"it\'s"',
  '-refused pod:api-*',
  '(verb:get OR verb:list) -namespace:kube-system',
  'source:nginx OR (source:container AND NOT severityText:info)',
  'ip:10.0.0.1 sourceIp:10.*',
  'pod:(api-* OR web-1) AND NOT (verb:delete OR code>=500)',
  // several literal runs after a star: the linear matchers (RE2 in SQL, greedy segments in JS)
  'conn*ref*up*',
  'message:*o*e*',
  'message:*a*b*',
  'message:a*a*b*b',
  'message:*one*two',
  'message:line*two',
  '"a.+(x)*{z}*d"',
  '"(x)*|^$"',
  'user:*a*b*c*',
  'user:a*_*%*',
  'attrs.objectRef.name:*a*-*',
  'pod:*p*7*',
  'ab*ab*b',
];

let events: LogEvent[];
let db: TestDb;
beforeAll(async () => {
  events = generate(200);
  db = await openTestDb(events, 'tail');
});
afterAll(() => db.close());

describe('compileFilter agrees with DuckDB', () => {
  it.each(QUERIES)('%s', async (q) => {
    const plan = parseQuery(q);
    const match = compileFilter(plan.filter);
    const js = events.filter(match).map((e) => e.id).sort();
    const sqlIds = (await db.ids(renderDuckDb(plan, { relation: 'tail', limit: 10_000 }))).sort();
    expect(sqlIds).toEqual(js);
  });

  it('the generated data exercises both outcomes', async () => {
    let nonTrivial = 0;
    for (const q of QUERIES) {
      const n = events.filter(compileFilter(parseQuery(q).filter)).length;
      if (n > 0 && n < events.length) nonTrivial++;
    }
    expect(nonTrivial).toBeGreaterThan(QUERIES.length * 0.8);
  });
});

describe('wildcard matching agrees between JS and DuckDB (LIKE and RE2 paths)', () => {
  it('over random patterns on messages with regex and LIKE metacharacters', async () => {
    const r = rng(7);
    const parts = ['*', '*', 'a', 'b', 'o', 'e', '.', '(', '%', '_', '\\', '\n', ' ', 'refused', 'line', '$', '|', 'x]'];
    let nonTrivial = 0;
    for (let i = 0; i < 300; i++) {
      const n = 1 + Math.floor(r() * 6);
      let value = '';
      for (let k = 0; k < n; k++) value += parts[Math.floor(r() * parts.length)]!;
      if (!value.includes('*')) value += '*';
      for (const op of ['match', 'text'] as const) {
        const filter: Filter =
          op === 'match'
            ? { op, field: { kind: 'column', name: 'message' }, value, wildcard: true }
            : { op, value, wildcard: true };
        const js = events.filter(compileFilter(filter)).map((e) => e.id).sort();
        const sqlIds = (await db.ids(renderDuckDb({ filter, stages: [] }, { relation: 'tail', limit: 10_000 }))).sort();
        expect(sqlIds, `${op} ${JSON.stringify(value)}`).toEqual(js);
        if (js.length > 0 && js.length < events.length) nonTrivial++;
      }
    }
    expect(nonTrivial).toBeGreaterThan(50);
  });
});

describe('compileFilter', () => {
  it('rejects stats columns', () => {
    expect(() => compileFilter({ op: 'exists', field: { kind: 'output', name: 'count' } })).toThrow(/stats column/);
  });
});
