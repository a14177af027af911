/**
 * Fuzz of the query language over HTTP (`GET /api/v1/query`, `GET /api/v1/alerts`) against a real
 * server process holding a corpus of long lines: every answer is 200 or a 4xx naming the problem,
 * within the request timeout, with /healthz answering within the bound throughout.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe } from 'vitest';
import type { QueryParams } from './gen/queries.ts';
import { grammarQueryArb, junkQueryArb, paramsArb, pathologicalArb, queryString } from './gen/queries.ts';
import { fail } from './harness/batch.ts';
import { banner } from './harness/config.ts';
import { loadCorpus } from './harness/corpus.ts';
import type { Req } from './harness/http.ts';
import { parseJson, preview, send } from './harness/http.ts';
import type { CaseContext } from './harness/property.ts';
import { fuzzProperty } from './harness/property.ts';
import { FuzzServer } from './harness/server.ts';

let server: FuzzServer;
beforeAll(async () => {
  console.log(banner('query'));
  server = new FuzzServer(loadCorpus);
  await server.start();
});
afterAll(async () => {
  console.log(`[fuzz] query: health ${JSON.stringify(server.health.summary())}, resets ${server.resets}, crashes ${server.crashes}`);
  await server.close();
});

/** 414/431: the URL or headers are too long for the HTTP server; 429: a bound on concurrent queries */
const QUERY_STATUSES = [200, 400, 414, 429, 431];
const QUERY_CODES = ['QUERY_SYNTAX', 'QUERY_FIELD', 'BAD_REQUEST'];

export async function checkRead(ctx: CaseContext, endpoint: '/api/v1/query' | '/api/v1/alerts', p: QueryParams): Promise<void> {
  const req: Req = { method: 'GET', path: `${endpoint}?${queryString(p)}` };
  const out = await send(ctx.server, req);
  if (!out.ok) fail(req, `no answer: ${out.why}: ${out.detail}`);
  const show = `answer: ${out.status} ${preview(out.text, 600)}`;
  if (out.status === 503 && out.headers.get('retry-after')) return;
  if (out.status >= 500) fail(req, `${endpoint} answered ${out.status} (a 5xx)`, show);
  if (!QUERY_STATUSES.includes(out.status)) fail(req, `${endpoint} answered ${out.status}, not one of ${QUERY_STATUSES.join('/')}`, show);
  if (out.status === 414 || out.status === 431 || out.status === 429) return;
  const body = parseJson(out.text) as { kind?: string; error?: { code?: string; message?: string } } | undefined;
  if (out.status === 200 && body?.kind !== 'events' && body?.kind !== 'table') fail(req, `${endpoint} answered 200 without a result kind`, show);
  if (out.status === 400 && (!body?.error?.code || !QUERY_CODES.includes(body.error.code) || !body.error.message)) fail(req, `${endpoint} answered 400 without a query error code and message`, show);
}

const prop = (name: string, endpoint: '/api/v1/query' | '/api/v1/alerts', arb: fc.Arbitrary<QueryParams>): void =>
  fuzzProperty(name, () => server, arb, (p, ctx) => checkRead(ctx, endpoint, p), { msPerRun: 40 });

const onlyQ = (q: fc.Arbitrary<string>): fc.Arbitrary<QueryParams> => q.map((s) => ({ q: s }));

describe('fuzz: the query language over HTTP', () => {
  prop('query: grammar-shaped queries', '/api/v1/query', onlyQ(grammarQueryArb));
  prop(
    'query: junk queries',
    '/api/v1/query',
    fc.record({ q: junkQueryArb, rawTail: fc.constantFrom('%FF', '%C0%80', '%ED%A0%80', '%00', '%', '%zz') }, { requiredKeys: ['q'] }),
  );
  prop('query: pathological wildcards', '/api/v1/query', onlyQ(pathologicalArb));
  prop('query: parameters', '/api/v1/query', paramsArb(fc.oneof(grammarQueryArb, fc.constantFrom('', '*', 'verb:get', 'stats count() by user'))));
  prop('alerts: queries and parameters', '/api/v1/alerts', paramsArb(fc.oneof(grammarQueryArb, junkQueryArb, fc.constant(''))));
});
