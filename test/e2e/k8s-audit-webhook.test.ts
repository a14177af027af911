/**
 * The audit webhook end to end: every Falco fixture through `POST /k8s-audit`, read back through the
 * query API and compared with the raw JSON; duplicate deliveries across restarts; bad input.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { describeWithSamples, samplePath } from '../helpers/samples.ts';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import type { LogEvent } from '../../src/core/index.ts';

const TRACES = 'falco-k8saudit/trace_files/k8s_audit';
const FIXTURES = samplePath(TRACES);

const tmp = mkdtempSync(join(tmpdir(), 'argus-webhook-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function makeApp(dir: string, extra: Record<string, unknown> = {}): App {
  return createApp({ data: dir, listen: '127.0.0.1:0', ...extra }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
}

async function open(dir: string, extra: Record<string, unknown> = {}): Promise<App> {
  const app = makeApp(dir, extra);
  await app.open();
  await app.http.ready();
  return app;
}

async function close(app: App): Promise<void> {
  await app.stop();
}

function fixtureEvents(): { file: string; ev: Record<string, any> }[] {
  const out: { file: string; ev: Record<string, any> }[] = [];
  for (const f of readdirSync(FIXTURES).sort()) {
    if (!f.endsWith('.json')) continue;
    for (const line of readFileSync(join(FIXTURES, f), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const ev = JSON.parse(line) as Record<string, any>;
      if (ev.kind === 'Event') out.push({ file: f, ev });
    }
  }
  return out;
}

async function queryAll(app: App, q: string): Promise<LogEvent[]> {
  const r = await app.http.inject({ method: 'GET', url: `/api/v1/query?limit=10000&q=${encodeURIComponent(q)}` });
  expect(r.statusCode).toBe(200);
  return (r.json() as { events: LogEvent[] }).events;
}

describeWithSamples(TRACES, 'k8s audit webhook', () => {
  it('stores every Falco fixture event with the promoted columns of its raw JSON', async () => {
    const app = await open(join(tmp, 'replay'));
    try {
      const fixtures = fixtureEvents();
      expect(fixtures.length).toBeGreaterThanOrEqual(51);
      // Some fixtures share an (auditID, stage): each file is sent as its own cluster, so each is its own event.
      const clusterOf = (file: string) => file.replace(/\.json$/, '').replace(/[^A-Za-z0-9._-]/g, '_');
      for (const file of new Set(fixtures.map((f) => f.file))) {
        const items = fixtures.filter((f) => f.file === file).map((f) => f.ev);
        const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });
        const r = await app.http.inject({ method: 'POST', url: `/k8s-audit?cluster=${clusterOf(file)}`, payload: body, headers: { 'content-type': 'application/json' } });
        expect(r.statusCode, file).toBe(200);
      }
      const stored = await queryAll(app, 'source:k8s_audit');
      const byKey = new Map(stored.map((e) => [`${e.cluster}/${e.auditId}/${e.stage}`, e]));
      const distinct = new Set(fixtures.map((f) => `${clusterOf(f.file)}/${f.ev.auditID}/${f.ev.stage}`));
      expect(byKey.size).toBe(distinct.size);
      for (const { file, ev } of fixtures) {
        const e = byKey.get(`${clusterOf(file)}/${ev.auditID}/${ev.stage}`);
        expect(e, file).toBeDefined();
        const ref = ev.objectRef ?? {};
        const expected = {
          cluster: clusterOf(file),
          user: ev.user?.username,
          verb: ev.verb,
          resource: ref.resource,
          subresource: ref.subresource,
          apiGroup: ref.apiGroup,
          objectNamespace: ref.namespace,
          objectName: ref.name,
          code: ev.responseStatus?.code,
          sourceIp: ev.sourceIPs?.[0],
          userAgent: ev.userAgent,
          stage: ev.stage,
          auditId: ev.auditID,
          impersonatedUser: ev.impersonatedUser?.username,
        };
        for (const [k, v] of Object.entries(expected)) {
          // an empty string in the raw event is the same as absent
          const want = v === '' ? undefined : v;
          expect((e as unknown as Record<string, unknown>)[k] || undefined, `${file} ${k}`).toEqual(want);
        }
        expect(e!.groups ?? [], `${file} groups`).toEqual(ev.user?.groups ?? []);
      }
    } finally {
      await close(app);
    }
  });

  it('stores each (auditID, stage) once when the same EventList arrives 3 times with restarts between', async () => {
    const dir = join(tmp, 'dupes');
    const items = fixtureEvents().slice(0, 20).map((f) => f.ev);
    const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });
    const distinct = new Set(items.map((e) => `${e.auditID}/${e.stage}`)).size;
    const accepted: number[] = [];
    for (let round = 0; round < 3; round++) {
      const app = await open(dir);
      const r = await app.http.inject({ method: 'POST', url: '/k8s-audit?cluster=prod', payload: body, headers: { 'content-type': 'application/json' } });
      expect(r.statusCode).toBe(200);
      accepted.push((r.json() as { accepted: number }).accepted);
      if (round === 1) await app.store.flush(); // one copy in segments, later ones checked against them
      await close(app);
    }
    expect(accepted).toEqual([distinct, 0, 0]);
    const app = await open(dir);
    try {
      const stored = await queryAll(app, 'source:k8s_audit');
      expect(stored).toHaveLength(distinct);
    } finally {
      await close(app);
    }
  });

  it('rejects bad input clearly and keeps the good events of the batch', async () => {
    const app = await open(join(tmp, 'bad'), { k8sAudit: { bodyLimit: 12 * 1024 * 1024 } });
    try {
      const good = fixtureEvents()[0]!.ev;
      const post = (payload: string) => app.http.inject({ method: 'POST', url: '/k8s-audit', payload, headers: { 'content-type': 'application/json' } });

      const truncated = await post(JSON.stringify({ kind: 'EventList', items: [good] }).slice(0, 200));
      expect(truncated.statusCode).toBe(400);
      expect((truncated.json() as any).error.code).toBe('BAD_JSON');

      const wrongVersion = { ...good, apiVersion: 'audit.k8s.io/v2alpha9', auditID: 'aaaaaaaa-0000-0000-0000-000000000001' };
      const missingId = { ...good, auditID: undefined };
      const ok = { ...good, auditID: 'aaaaaaaa-0000-0000-0000-000000000002' };
      const mixed = await post(JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [wrongVersion, ok, missingId] }));
      expect(mixed.statusCode).toBe(207);
      const mb = mixed.json() as { accepted: number; errors: { index: number; field?: string; message: string }[] };
      expect(mb.accepted).toBe(1);
      expect(mb.errors.map((e) => e.index).sort()).toEqual([0, 2]);
      expect(mb.errors.find((e) => e.index === 0)!.message).toMatch(/apiVersion/);
      expect(mb.errors.find((e) => e.index === 2)!.message).toMatch(/auditID/);
      expect(await queryAll(app, 'auditId:aaaaaaaa-0000-0000-0000-000000000002')).toHaveLength(1);

      const huge = JSON.stringify({ kind: 'EventList', items: [{ ...good, requestObject: { pad: 'x'.repeat(13 * 1024 * 1024) } }] });
      const tooBig = await post(huge);
      expect(tooBig.statusCode).toBe(413);
      expect((tooBig.json() as any).error.message).toContain(String(12 * 1024 * 1024));

      const after = await post(JSON.stringify({ kind: 'EventList', items: [{ ...good, auditID: 'aaaaaaaa-0000-0000-0000-000000000003' }] }));
      expect(after.statusCode).toBe(200);
    } finally {
      await close(app);
    }
  });

  it('binds the cluster to the bearer token and refuses spoofing', async () => {
    const token = 'prod-token-0123456789abcdef';
    const app = await open(join(tmp, 'auth'), { k8sAudit: { tokens: [{ token, cluster: 'prod' }] } });
    try {
      const ev = { ...fixtureEvents()[1]!.ev, auditID: 'bbbbbbbb-0000-0000-0000-000000000001' };
      const payload = JSON.stringify({ kind: 'EventList', items: [ev] });
      const h = (auth?: string) => ({ 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) });
      expect((await app.http.inject({ method: 'POST', url: '/k8s-audit', payload, headers: h() })).statusCode).toBe(401);
      expect((await app.http.inject({ method: 'POST', url: '/k8s-audit', payload, headers: h('Bearer wrong-token-0000000000') })).statusCode).toBe(401);
      expect((await app.http.inject({ method: 'POST', url: '/k8s-audit?cluster=staging', payload, headers: h(`Bearer ${token}`) })).statusCode).toBe(403);
      const ok = await app.http.inject({ method: 'POST', url: '/k8s-audit', payload, headers: h(`Bearer ${token}`) });
      expect(ok.statusCode).toBe(200);
      const stored = await queryAll(app, 'auditId:bbbbbbbb-0000-0000-0000-000000000001');
      expect(stored.map((e) => e.cluster)).toEqual(['prod']);
    } finally {
      await close(app);
    }
  });
});
