/**
 * Fuzz of the audit webhook (`POST /k8s-audit`, `POST /api/v1/ingest/k8s-audit`) against a real
 * server process, in every envelope it takes: no 5xx, no crash, /healthz within the bound, every
 * good audit event stored exactly once (its user is the marker), redelivery idempotent, and an
 * idempotency key claimed through the generic endpoint never drops the real event.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe } from 'vitest';
import type { AuditBody } from './gen/audit-bodies.ts';
import { AUTHS, auditBodyArb, buildAuditBody } from './gen/audit-bodies.ts';
import { auditEvent, shapeArb } from './gen/audit-events.ts';
import { partsToBuffer } from './gen/text.ts';
import { transportArb } from './gen/transport.ts';
import { render } from './gen/tree.ts';
import { checkIngestAnswer, ingestAndCheck, verifyStored } from './harness/batch.ts';
import { banner } from './harness/config.ts';
import type { Req } from './harness/http.ts';
import { send } from './harness/http.ts';
import type { CaseContext } from './harness/property.ts';
import { fuzzProperty } from './harness/property.ts';
import { AUDIT_TOKEN, AUDIT_TOKEN_CLUSTER, FuzzServer } from './harness/server.ts';

let server: FuzzServer;
beforeAll(async () => {
  console.log(banner('ingest-k8s-audit'));
  server = new FuzzServer();
  await server.start();
});
afterAll(async () => {
  console.log(`[fuzz] ingest-k8s-audit: health ${JSON.stringify(server.health.summary())}, resets ${server.resets}, crashes ${server.crashes}`);
  await server.close();
});

const ONLY_AUDIT = ' source:k8s_audit';

async function runBody(b: AuditBody, ctx: CaseContext, times = 1): Promise<void> {
  const { req, exp } = buildAuditBody(b, ctx.tag, Date.now());
  let acked = exp.items.map(() => false);
  for (let i = 0; i < times; i++) {
    const a = await ingestAndCheck(ctx.server, req, { ...exp, what: i === 0 ? exp.what : `the redelivery of ${exp.what}` });
    acked = acked.map((x, j) => x || a[j]!);
  }
  await verifyStored(ctx.server, req, ctx.tag, exp, acked, ONLY_AUDIT);
}

const prop = (name: string, arb: fc.Arbitrary<AuditBody>, msPerRun = 60): void => fuzzProperty(name, () => server, arb, (b, ctx) => runBody(b, ctx), { msPerRun });

describe('fuzz: the audit webhook', () => {
  prop('k8s-audit: every envelope, valid events', auditBodyArb({ kinds: ['good'] }));
  prop('k8s-audit: odd text', auditBodyArb({ kinds: ['good'], odd: true }));
  prop('k8s-audit: mutated fields', auditBodyArb({ kinds: ['good', 'mutated', 'junk'] }));
  prop('k8s-audit: deep requestObject', auditBodyArb({ kinds: ['good', 'deep'], maxItems: 3 }), 150);
  prop('k8s-audit: credentials', auditBodyArb({ kinds: ['good'], auths: AUTHS, maxItems: 3 }));
  prop('k8s-audit: content types and encodings', auditBodyArb({ kinds: ['good'], transport: transportArb(), maxItems: 3 }), 80);

  fuzzProperty(
    'k8s-audit: redelivery is idempotent',
    () => server,
    auditBodyArb({ kinds: ['good', 'mutated'], auths: ['token', 'query-cluster'] }),
    (b, ctx) => runBody(b, ctx, 2),
  );

  fuzzProperty('k8s-audit: pre-claimed idempotency key', () => server, shapeArb(false), async (shape, ctx) => {
    const marker = `${ctx.tag}0z`;
    const auditId = `${marker}-id`;
    const claim = JSON.stringify([{ message: `claim ${ctx.tag}`, user: `${ctx.tag}9z`, dedupKey: `k8s_audit:${AUDIT_TOKEN_CLUSTER}:${auditId}:${shape.stage}` }]);
    const creq: Req = { method: 'POST', path: '/api/v1/events', headers: { 'content-type': 'application/json' }, body: Buffer.from(claim) };
    checkIngestAnswer(creq, await send(ctx.server, creq), { items: [{ good: false }], mustAckGoods: false, what: 'a generic event claiming an audit idempotency key' });
    const body = partsToBuffer(['{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[', ...render(auditEvent(shape, marker, auditId, Date.now())), ']}']);
    const req: Req = { method: 'POST', path: '/k8s-audit', headers: { authorization: `Bearer ${AUDIT_TOKEN}`, 'content-type': 'application/json' }, body };
    const exp = { items: [{ good: true, marker }], mustAckGoods: true, what: 'the real audit event after its key was claimed through /api/v1/events' };
    const acked = await ingestAndCheck(ctx.server, req, exp);
    await verifyStored(ctx.server, req, ctx.tag, exp, acked, ONLY_AUDIT);
  });

  const randomBody = fc.record({
    body: fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      fc.string({ unit: 'binary', maxLength: 400 }).map((s) => new Uint8Array(Buffer.from(s))),
      fc
        .array(fc.constantFrom('{', '}', '[', ']', ',', ':', '"kind"', '"Event"', '"EventList"', '"items"', '"records"', '"logEvents"', '"protoPayload"', '"message"', '"data"', '"auditID"', '"stage"', '"\\ud800"', '1e999', 'null', '\n', ' '), { maxLength: 200 })
        .map((t) => new Uint8Array(Buffer.from(t.join('')))),
    ),
    path: fc.constantFrom('/k8s-audit', '/api/v1/ingest/k8s-audit'),
    token: fc.boolean(),
  });
  fuzzProperty('k8s-audit: random bodies', () => server, randomBody, async (r, ctx) => {
    const req: Req = { method: 'POST', path: r.path, headers: r.token ? { authorization: `Bearer ${AUDIT_TOKEN}` } : {}, body: r.body };
    checkIngestAnswer(req, await send(ctx.server, req), { items: [], mustAckGoods: false, what: 'a random body' });
  });
});
