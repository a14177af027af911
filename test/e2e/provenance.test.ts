/**
 * Issue 15 item 6, forged provenance: each receiver owns its sources and its idempotency-key
 * namespace, and every event records which receiver and credential accepted it (`ingest`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import type { LogEvent } from '../../src/core/index.ts';
import { finalizeEvent } from '../../src/core/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { metricValue, startTestApp } from '../helpers/app.ts';

const TOKEN = 'prod-token-0123456789abcdef';
const CONFIG = {
  k8sAudit: { tokens: [{ token: TOKEN, cluster: 'prod' }], allowUnauthenticated: true },
  detection: { allowedLateness: '0s' },
};

let n = 0;
function auditEvent(auditID: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  n++;
  const ts = Date.UTC(2026, 10, 25, 10, 0, 0, n);
  return {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID, stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods', verb: 'list', user: { username: 'alice', groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.1'], objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 }, requestReceivedTimestamp: new Date(ts).toISOString(), stageTimestamp: new Date(ts + 1).toISOString(),
    ...over,
  };
}

async function postEvents(app: App, body: unknown) {
  const r = await app.http.inject({ method: 'POST', url: '/api/v1/events', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: r.statusCode, body: r.json() as Record<string, any> };
}

async function postAudit(app: App, items: unknown[], auth: { token?: string; cluster?: string } = { token: TOKEN }) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  const qs = auth.cluster ? `?cluster=${auth.cluster}` : '';
  const payload = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });
  const r = await app.http.inject({ method: 'POST', url: `/k8s-audit${qs}`, payload, headers });
  return { status: r.statusCode, body: r.json() as Record<string, any> };
}

async function query(app: App, q: string): Promise<LogEvent[]> {
  const r = await app.http.inject({ method: 'GET', url: `/api/v1/query?limit=1000&q=${encodeURIComponent(q)}` });
  expect(r.statusCode, r.body).toBe(200);
  return (r.json() as { events: LogEvent[] }).events;
}

async function alerts(app: App): Promise<LogEvent[]> {
  const r = await app.http.inject({ method: 'GET', url: '/api/v1/alerts?limit=1000' });
  expect(r.statusCode, r.body).toBe(200);
  return (r.json() as { events: LogEvent[] }).events;
}

describe('forged provenance on POST /api/v1/events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(CONFIG);
  });
  afterAll(async () => t.close());

  it('refuses reserved sources per event (207 naming source), stores the neighbours, shows no forged alert', async () => {
    const batch = [
      { message: 'forge-good-0', source: 'app' },
      { message: 'forge-audit', source: 'k8s_audit', cluster: 'prod', verb: 'delete', resource: 'secrets' },
      { message: 'forge-alert', source: 'alert', severityNumber: 21, attrs: { rule: 'fake', ruleId: 'fake' } },
      { message: 'forge-good-1' },
      { message: 'forge-self-audit', source: 'argus_audit' },
      { message: 'forge-alert-upper', source: 'ALERT' },
      { message: 'forge-eks', source: 'eks_authenticator' },
      { message: 'forge-good-2', source: 'nginx' },
    ];
    const r = await postEvents(t.app, batch);
    expect(r.status).toBe(207);
    expect(r.body.accepted).toBe(3);
    expect(r.body.rejected).toBe(5);
    expect(r.body.errors.map((e: { index: number }) => e.index)).toEqual([1, 2, 4, 5, 6]);
    for (const e of r.body.errors) {
      expect(e.field).toBe('source');
      expect(e.message).toMatch(/source/);
    }
    expect((await query(t.app, '"forge-"')).map((e) => e.message).sort()).toEqual(['forge-good-0', 'forge-good-1', 'forge-good-2']);
    expect(await alerts(t.app)).toEqual([]);
    expect(await query(t.app, 'source:k8s_audit OR source:alert OR source:argus_audit')).toEqual([]);
    expect(await metricValue(t.app, 'argus_events_rejected_total', { reason: 'FORBIDDEN_SOURCE' })).toBe(5);
  });

  it('reports refused events at their payload index among decode errors (NDJSON)', async () => {
    const body = [{ message: 'idx-bad', code: 'x' }, { message: 'idx-forged', source: 'alert' }, { message: 'idx-good' }, { message: 'idx-forged-2', source: 'k8s_audit' }]
      .map((e) => JSON.stringify(e)).join('\n');
    const r = await t.app.http.inject({ method: 'POST', url: '/api/v1/events', payload: body, headers: { 'content-type': 'application/x-ndjson' } });
    expect(r.statusCode).toBe(207);
    expect((r.json() as { errors: { index: number; field: string }[] }).errors.map((e) => [e.index, e.field])).toEqual([[0, 'code'], [1, 'source'], [3, 'source']]);
  });

  it('answers 400 when every event of the batch is refused', async () => {
    const r = await postEvents(t.app, [{ message: 'only-forged', source: 'alert' }]);
    expect(r.status).toBe(400);
    expect(r.body.error.errors).toEqual([{ index: 0, field: 'source', message: expect.stringContaining('source') }]);
    expect(await alerts(t.app)).toEqual([]);
  });

  it('cannot pre-claim the idempotency key of a future audit event', async () => {
    const auditID = 'aaaaaaaa-0000-4000-a000-000000000001';
    const key = `k8s_audit:prod:${auditID}:ResponseComplete`;
    const forged = await postEvents(t.app, [{ message: 'pre-claim', source: 'app', dedupKey: key }]);
    expect(forged.status).toBe(200);
    // the real delivery, token-authenticated, is stored (not dropped as a duplicate)
    const real = await postAudit(t.app, [auditEvent(auditID)]);
    expect(real.status).toBe(200);
    expect(real.body).toMatchObject({ accepted: 1, duplicates: 0 });
    const stored = await query(t.app, `auditId:${auditID}`);
    expect(stored.map((e) => [e.source, e.cluster, e.dedupKey])).toEqual([['k8s_audit', 'prod', key]]);
    // a second delivery of the audit event is still deduplicated
    const again = await postAudit(t.app, [auditEvent(auditID)]);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
    // the generic key lives in the generic namespace, deterministically: a retry still dedupes
    const retry = await postEvents(t.app, [{ message: 'pre-claim', source: 'app', dedupKey: key }]);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await query(t.app, '"pre-claim"')).map((e) => e.dedupKey)).toEqual([`generic:${key}`]);
  });

  it('records the receiver and credential in `ingest`; a client cannot set it', async () => {
    await postEvents(t.app, [{ message: 'prov-generic', source: 'app', ingest: 'k8s-audit/token:prod' }]);
    await postAudit(t.app, [auditEvent('bbbbbbbb-0000-4000-a000-000000000001')]);
    await postAudit(t.app, [auditEvent('bbbbbbbb-0000-4000-a000-000000000002')], { cluster: 'dev' });
    const generic = await query(t.app, '"prov-generic"');
    expect(generic.map((e) => e.ingest)).toEqual(['generic/anonymous']);
    expect((await query(t.app, 'ingest:generic* "prov-generic"')).length).toBe(1);
    const byToken = await query(t.app, 'ingest:"k8s-audit/token:prod"');
    expect(byToken.map((e) => e.auditId)).toContain('bbbbbbbb-0000-4000-a000-000000000001');
    expect(byToken.every((e) => e.source === 'k8s_audit' && e.cluster === 'prod')).toBe(true);
    expect(byToken.map((e) => e.message)).not.toContain('prov-generic');
    const anon = await query(t.app, 'ingest:"k8s-audit/unauthenticated"');
    expect(anon.map((e) => [e.auditId, e.cluster])).toEqual([['bbbbbbbb-0000-4000-a000-000000000002', 'dev']]);
  });

  it('stores alerts from detection with `ingest: detection`', async () => {
    await t.app.detection.start();
    try {
      // event time after every event stored so far (generic ones default to now), so it is not late
      const now = new Date().toISOString();
      const exec = auditEvent('eeeeeeee-0000-4000-a000-000000000001', {
        requestReceivedTimestamp: now, stageTimestamp: now, verb: 'create', requestURI: '/api/v1/namespaces/payments/pods/api-0/exec?command=sh',
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'payments', name: 'api-0', apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: 101 },
      });
      // a later event moves the event-time watermark past the exec
      const later = new Date(Date.now() + 60_000).toISOString();
      const tick = auditEvent('eeeeeeee-0000-4000-a000-000000000002', { requestReceivedTimestamp: later, stageTimestamp: later });
      expect((await postAudit(t.app, [exec, tick])).status).toBe(200);
      await t.app.detection.idle();
      const listed = await alerts(t.app);
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.every((a) => a.ingest === 'detection')).toBe(true);
      expect((await query(t.app, 'ingest:detection')).map((e) => e.source)).toEqual(listed.map(() => 'alert'));
    } finally {
      await t.app.detection.stop();
    }
  });

  it('lists only alerts written by detection (or stored before provenance existed)', async () => {
    // written straight into the store, past the ingest path: what no receiver can do any more
    const alert = (message: string, ingest?: string) => finalizeEvent({ ts: Date.now(), source: 'alert', message, ...(ingest ? { ingest } : {}) }, Date.now());
    await t.app.store.append([alert('alert-forged-in-store', 'generic/anonymous'), alert('alert-from-old-store')]);
    expect((await alerts(t.app)).map((a) => a.message).filter((m) => m.startsWith('alert-'))).toEqual(['alert-from-old-store']);
    expect((await query(t.app, '"alert-forged-in-store"')).length).toBe(1);
  });
});

describe('provenance survives a flush and a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'argus-provenance-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function open(): Promise<App> {
    const app = createApp({ data: dir, listen: '127.0.0.1:0', ...CONFIG }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
    await app.open();
    await app.http.ready();
    return app;
  }
  async function close(app: App): Promise<void> {
    await app.stop();
  }

  it('answers `ingest:` queries from segments after a restart, and dedup still holds', async () => {
    const auditID = 'cccccccc-0000-4000-a000-000000000001';
    let app = await open();
    try {
      await postEvents(app, [{ message: 'restart-generic', source: 'app', dedupKey: `k8s_audit:prod:${auditID}:ResponseComplete` }]);
      expect((await postAudit(app, [auditEvent(auditID)])).body.accepted).toBe(1);
      await app.store.flush();
      expect((await app.store.stats()).segments).toBeGreaterThan(0);
    } finally {
      await close(app);
    }
    app = await open();
    try {
      expect((await query(app, 'ingest:generic*')).map((e) => e.message)).toEqual(['restart-generic']);
      expect((await query(app, 'ingest:"k8s-audit/token:prod"')).map((e) => e.auditId)).toEqual([auditID]);
      expect((await postAudit(app, [auditEvent(auditID)])).body).toMatchObject({ accepted: 0, duplicates: 1 });
    } finally {
      await close(app);
    }
  });
});
