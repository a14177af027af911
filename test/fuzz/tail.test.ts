/**
 * Fuzz of the live tail (`GET /api/v1/tail?q=`) against a real server process: open it with a
 * fuzzed query, ingest a few ordinary long lines while it is open (so the matcher runs), read a
 * little, close. The answer is 200 (an event stream) or a 400 naming the problem; the server's
 * /healthz keeps answering within the bound (a backtracking matcher blocks the event loop).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe } from 'vitest';
import { grammarQueryArb, junkQueryArb, pathologicalArb, pct } from './gen/queries.ts';
import { fail } from './harness/batch.ts';
import { banner } from './harness/config.ts';
import { corpusEvents } from './harness/corpus.ts';
import type { Req } from './harness/http.ts';
import { bounded, parseJson, preview, send } from './harness/http.ts';
import { fuzzProperty } from './harness/property.ts';
import { FuzzServer } from './harness/server.ts';

let server: FuzzServer;
beforeAll(async () => {
  console.log(banner('tail'));
  server = new FuzzServer();
  await server.start();
});
afterAll(async () => {
  console.log(`[fuzz] tail: health ${JSON.stringify(server.health.summary())}, resets ${server.resets}, crashes ${server.crashes}`);
  await server.close();
});

const READ_MS = 100;
const sleep = (ms: number): Promise<null> => new Promise((r) => setTimeout(() => r(null), ms));

interface TailCase {
  q: string;
  /** which corpus lines are ingested while the tail is open */
  lines: number[];
}

describe('fuzz: the live tail', () => {
  const arb = fc.record({
    q: fc.oneof({ weight: 3, arbitrary: grammarQueryArb.map((q) => q.split(' | ')[0]!) }, { weight: 2, arbitrary: pathologicalArb }, { weight: 1, arbitrary: junkQueryArb }),
    lines: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 3 }),
  });
  fuzzProperty(
    'tail: open, read a little, close',
    () => server,
    arb,
    async (c: TailCase, ctx) => {
      const s = ctx.server;
      const req: Req = { method: 'GET', path: `/api/v1/tail?q=${pct(c.q)}` };
      const ac = new AbortController();
      const corpus = corpusEvents(Date.now(), ctx.tag);
      const events = c.lines.map((i) => corpus[i]!);
      const work = (async () => {
        const r = await fetch(s.url + req.path, { signal: ac.signal });
        if (r.status !== 200) return { status: r.status, text: await r.text() };
        const reader = r.body!.getReader();
        await reader.read(); // the stream's opening comment: the subscription is in place
        const ingest: Req = { method: 'POST', path: '/api/v1/events', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(events)) };
        const posted = await send(s, ingest);
        let got = '';
        const until = Date.now() + READ_MS;
        while (Date.now() < until) {
          const chunk = await Promise.race([reader.read(), sleep(until - Date.now())]);
          if (chunk === null || chunk.done) break;
          got += Buffer.from(chunk.value).toString('utf8');
        }
        ac.abort();
        return { status: 200, text: got, posted };
      })();
      work.catch(() => undefined);
      const r = await bounded(s, ac, work).catch((e: unknown) => ({ why: 'network' as const, detail: String(e) }));
      if (!('value' in r)) fail(req, `the tail got no answer: ${r.why}: ${r.detail}`);
      const v = r.value;
      if (v.status >= 500) fail(req, `the tail answered ${v.status} (a 5xx)`, `answer: ${preview(v.text, 600)}`);
      if (v.status === 200) {
        const p = v.posted!;
        if (!p.ok) fail(req, `an ingest while the tail was open got no answer: ${p.why}: ${p.detail}`);
        if (p.status !== 200) fail(req, `an ingest while the tail was open answered ${p.status}`, `answer: ${preview(p.text, 600)}`);
        return;
      }
      if (v.status === 431 || v.status === 414 || v.status === 429) return;
      const body = parseJson(v.text) as { error?: { code?: string } } | undefined;
      if (v.status !== 400 || !body?.error?.code) fail(req, `the tail answered ${v.status}, expected 200 or a 400 with an error code`, `answer: ${preview(v.text, 600)}`);
    },
    { msPerRun: 200 },
  );
});
