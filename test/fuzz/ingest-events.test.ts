/**
 * Fuzz of `POST /api/v1/events` against a real server process (see test/fuzz/README.md): no 5xx,
 * no crash, /healthz within the bound throughout, every good event of a decodable body stored
 * exactly once (found by its marker), nothing stored under a reserved source.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Body } from './gen/generic-bodies.ts';
import { bodyArb, buildBody } from './gen/generic-bodies.ts';
import { reservedItemText } from './gen/generic-events.ts';
import { partsToBuffer } from './gen/text.ts';
import { plainTransport, transportArb } from './gen/transport.ts';
import { checkIngestAnswer, countMarkers, fail, ingestAndCheck, verifyStored } from './harness/batch.ts';
import { banner } from './harness/config.ts';
import type { Req } from './harness/http.ts';
import { parseJson, preview, send } from './harness/http.ts';
import type { CaseContext } from './harness/property.ts';
import { CaseFailure, fuzzProperty } from './harness/property.ts';
import { FuzzServer } from './harness/server.ts';

let server: FuzzServer;
/** acknowledged good markers, by tag (the last few), checked again after the restart */
const remembered: { tag: string; markers: string[]; generation: number }[] = [];

beforeAll(async () => {
  console.log(banner('ingest-events'));
  server = new FuzzServer();
  await server.start();
});
afterAll(async () => {
  console.log(`[fuzz] ingest-events: health ${JSON.stringify(server.health.summary())}, resets ${server.resets}, crashes ${server.crashes}`);
  await server.close();
});

async function runBody(b: Body, ctx: CaseContext): Promise<void> {
  const { req, exp } = buildBody(b, ctx.tag, Date.now());
  const acked = await ingestAndCheck(ctx.server, req, exp);
  await verifyStored(ctx.server, req, ctx.tag, exp, acked);
  const goods = exp.items.filter((it, i) => it.good && acked[i] && it.marker).map((it) => it.marker!);
  if (goods.length > 0) remembered.push({ tag: ctx.tag, markers: goods, generation: ctx.server.resets });
  if (remembered.length > 20) remembered.shift();
}

const prop = (name: string, arb: fc.Arbitrary<Body>, msPerRun = 60): void => fuzzProperty(name, () => server, arb, runBody, { msPerRun });

describe('fuzz: POST /api/v1/events', () => {
  prop('events: valid batches', bodyArb({ kinds: ['good'], maxItems: 10 }));
  prop('events: odd text', bodyArb({ kinds: ['good'], odd: true, big: true, maxItems: 4 }), 150);
  prop('events: mutated fields', bodyArb({ kinds: ['good', 'mutated'], maxItems: 8 }));
  prop('events: deep nesting and wide objects', bodyArb({ kinds: ['good', 'deep', 'wide'], maxItems: 4 }), 150);
  prop('events: duplicate keys, truncated and junk items', bodyArb({ kinds: ['good', 'junk', 'broken', 'garbage'], maxItems: 8 }));
  prop('events: one pretty-printed object', bodyArb({ kinds: ['good'], framings: ['single'], prettySingle: true }));
  prop('events: content types and encodings', bodyArb({ kinds: ['good'], maxItems: 4, transport: transportArb() }), 80);
  prop('events: mixed everything', bodyArb({ kinds: ['good', 'mutated', 'deep', 'wide', 'junk', 'broken', 'garbage'], odd: true, big: true, maxItems: 8, transport: transportArb() }), 150);

  const reserved = fc.record({
    kind: fc.constantFrom('source', 'dedupKey', 'both') as fc.Arbitrary<'source' | 'dedupKey' | 'both'>,
    value: fc.constantFrom('k8s_audit', 'alert', 'argus_audit', 'K8S_AUDIT', 'Alert', 'k8s_audit:fuzz:{m}:ResponseComplete', 'alert:{m}'),
    goods: fc.integer({ min: 0, max: 3 }),
  });
  fuzzProperty('events: reserved sources and keys', () => server, reserved, async (r, ctx) => {
    const now = Date.now();
    const forged = reservedItemText(r.kind, r.value, `${ctx.tag}0z`, now);
    const goods = Array.from({ length: r.goods }, (_, i) => `{"message":"hello ${ctx.tag}${i + 1}z","user":"${ctx.tag}${i + 1}z"}`);
    const body = partsToBuffer(['[', ...forged.parts, ...goods.map((g) => `,${g}`), ']']);
    const req: Req = { method: 'POST', path: '/api/v1/events', headers: { 'content-type': 'application/json' }, body };
    const exp = {
      items: [{ good: false, marker: forged.marker!, reserved: true }, ...goods.map((_, i) => ({ good: true, marker: `${ctx.tag}${i + 1}z` }))],
      mustAckGoods: true,
      what: `a batch with a forged ${r.kind} "${r.value}"`,
    };
    const acked = await ingestAndCheck(ctx.server, req, exp);
    await verifyStored(ctx.server, req, ctx.tag, exp, acked);
    // a generic event must never show up as an alert
    const areq: Req = { method: 'GET', path: `/api/v1/alerts?q=${encodeURIComponent(`"${ctx.tag}"`)}` };
    const a = await send(ctx.server, areq);
    if (!a.ok || a.status !== 200) fail(areq, `the alerts query answered ${a.ok ? a.status : a.detail}`);
    const events = (parseJson(a.text) as { events?: unknown[] } | undefined)?.events ?? [];
    if (events.length > 0) fail(req, `a generic event posted with ${r.kind} "${r.value}" is listed by GET /api/v1/alerts`, `alert: ${preview(JSON.stringify(events[0]))}`);
  });

  const randomBody = fc.record({
    body: fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      fc.string({ unit: 'binary', maxLength: 500 }).map((s) => new Uint8Array(Buffer.from(s))),
      fc
        .array(fc.constantFrom('{', '}', '[', ']', ',', ':', '"a"', '1', '-', 'null', 'true', '"message"', '"\\ud800"', '"\\u0000"', '1e999', '"', '\\', ' ', '\n', '\r\n', '{"message":"x"}'), { maxLength: 300 })
        .map((t) => new Uint8Array(Buffer.from(t.join('')))),
      fc.constantFrom('', ' ', '\n\n', '\t', '\u0000', '[', '{', '[]', '{}', 'null').map((s) => new Uint8Array(Buffer.from(s))),
    ),
    contentType: fc.option(fc.constantFrom('application/json', 'application/x-ndjson', 'text/plain', 'application/octet-stream'), { nil: undefined }),
  });
  fuzzProperty('events: random bodies', () => server, randomBody, async (r, ctx) => {
    const req: Req = { method: 'POST', path: '/api/v1/events', headers: r.contentType ? { 'content-type': r.contentType } : {}, body: r.body };
    checkIngestAnswer(req, await send(ctx.server, req), { items: [], mustAckGoods: false, what: 'a random body' });
  });

  it('events: the server stops on SIGTERM and restarts on its data with every remembered event', async () => {
    if (!server.alive()) await server.reset();
    // one batch of its own, then what the properties stored since the last reset (a fresh data directory)
    const tag = `restart${Date.now().toString(36)}y`;
    const { req, exp } = buildBody({ framing: 'array', items: [0, 1, 2].map(() => ({ k: 'good', shape: { ts: 'ms', msgField: 'message', dupKeys: false, spacing: 'compact' } })), sep: '', trailingNewline: false, transport: plainTransport }, tag, Date.now());
    const acked = await ingestAndCheck(server, req, exp);
    remembered.push({ tag, markers: exp.items.filter((_, i) => acked[i]).map((it) => it.marker!), generation: server.resets });
    const current = remembered.filter((x) => x.generation === server.resets);
    const r = await server.restartSameData(10_000);
    console.log(`[fuzz] ingest-events: restart: stopped in ${r.stoppedInMs} ms, listening again in ${r.startedInMs} ms`);
    for (const { tag, markers } of current) {
      const counts = await countMarkers(server, tag).catch((e: unknown) => {
        throw e instanceof CaseFailure ? new Error(`after the restart: ${e.message}`) : e;
      });
      for (const m of markers) {
        const n = [...(counts.get(m) ?? new Map<string, number>()).entries()].filter(([src]) => src !== 'alert').reduce((a, [, c]) => a + c, 0);
        expect(n, `marker ${m} after the restart`).toBe(1);
      }
    }
  }, 120_000);
});
