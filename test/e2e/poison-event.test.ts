/**
 * Issue 15 item 1: one event with a lone UTF-16 surrogate (`{"message":"x \ud800"}`) was
 * acknowledged, then refused by DuckDB's read_json: every later query answered 500 STORE_IO,
 * flushing stopped and every restart exited 1. Now the text is made well-formed before the WAL.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import type { LogEvent } from '../../src/core/index.ts';
import { WalWriter } from '../../src/store/embedded/wal-writer.ts';

const tmp = mkdtempSync(join(tmpdir(), 'argus-poison-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function makeApp(dir: string): App {
  return createApp({ data: dir, listen: '127.0.0.1:0' }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
}

async function query(app: App, q: string): Promise<{ status: number; events: LogEvent[] }> {
  const r = await app.http.inject({ method: 'GET', url: `/api/v1/query?limit=1000&q=${encodeURIComponent(q)}` });
  return { status: r.statusCode, events: r.statusCode === 200 ? (r.json() as { events: LogEvent[] }).events : [] };
}

describe('a poison event', () => {
  it('is stored with U+FFFD; queries, a flush and a restart keep working', async () => {
    const dir = join(tmp, 'repro');
    let app = makeApp(dir);
    await app.start();
    try {
      // the exact reproduction: the JSON escape \ud800 (a lone high surrogate) in the body text
      const body = '{"message":"x \\ud800"}';
      const post = await app.http.inject({ method: 'POST', url: '/api/v1/events', payload: body, headers: { 'content-type': 'application/json' } });
      expect(post.statusCode).toBe(200);
      const after = await app.http.inject({ method: 'POST', url: '/api/v1/events', payload: '{"message":"neighbour after"}', headers: { 'content-type': 'application/json' } });
      expect(after.statusCode).toBe(200);

      const q1 = await query(app, '');
      expect(q1.status).toBe(200);
      expect(q1.events.map((e) => e.message).sort()).toEqual(['neighbour after', 'x \ufffd']);

      await app.store.flush();
      const q2 = await query(app, '');
      expect(q2.status).toBe(200);
      expect(q2.events.map((e) => e.message).sort()).toEqual(['neighbour after', 'x \ufffd']);
      expect((await app.store.stats()).extra.segments).toBeGreaterThan(0);

      // one more acknowledged but unflushed poison event: the restart replays it from the WAL
      const again = await app.http.inject({ method: 'POST', url: '/api/v1/events', payload: '{"message":"y \\udc00\\ud800"}', headers: { 'content-type': 'application/json' } });
      expect(again.statusCode).toBe(200);
      await app.stop();
      app = makeApp(dir);
      await app.start();
      const q3 = await query(app, '');
      expect(q3.status).toBe(200);
      expect(q3.events.map((e) => e.message).sort()).toEqual(['neighbour after', 'x \ufffd', 'y \ufffd\ufffd']);
      for (const e of q3.events) expect(e.message.isWellFormed()).toBe(true);
    } finally {
      await app.stop();
    }
  });

  it('an audit event with a lone surrogate in user.username is stored and the store keeps serving', async () => {
    const dir = join(tmp, 'audit');
    const app = makeApp(dir);
    await app.start();
    try {
      const ev = (id: string, username: string) => ({
        kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete',
        requestURI: '/api/v1/namespaces/default/pods', verb: 'list', user: { username, groups: ['system:authenticated'] },
        sourceIPs: ['10.0.0.1'], objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: 200 },
        requestReceivedTimestamp: '2026-01-15T10:00:00.000000Z', stageTimestamp: '2026-01-15T10:00:00.001000Z',
      });
      const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [ev('a-1', 'alice'), ev('a-2', 'POISON'), ev('a-3', 'bob')] };
      const payload = JSON.stringify(list).replace('POISON', 'mallory\\ud800');
      const post = await app.http.inject({ method: 'POST', url: '/k8s-audit', payload, headers: { 'content-type': 'application/json' } });
      expect(post.statusCode).toBe(200);
      const q = await query(app, 'source:k8s_audit');
      expect(q.status).toBe(200);
      expect(q.events.map((e) => e.user).sort()).toEqual(['alice', 'bob', 'mallory\ufffd']);
      await app.store.flush();
      expect((await query(app, 'source:k8s_audit')).events).toHaveLength(3);
    } finally {
      await app.stop();
    }
  });

  it('a server whose WAL already holds a poison frame (written before the fix) starts, serves the neighbours and counts the quarantined line', async () => {
    const dir = join(tmp, 'prepoisoned');
    mkdirSync(join(dir, 'wal'), { recursive: true });
    const w = new WalWriter(join(dir, 'wal'), pino({ level: 'silent' }), 0);
    await w.open(1);
    const line = (id: string, message: string) => JSON.stringify({ id, ts: Date.now(), receivedAt: Date.now(), source: 'app', severityNumber: 9, message, attrs: {} });
    await w.append(Buffer.from([line('01J0000000000000000000000A', 'before'), line('01J0000000000000000000000B', 'x \ud800'), line('01J0000000000000000000000C', 'after')].join('\n') + '\n'), () => undefined);
    await w.append(Buffer.from(line('01J0000000000000000000000D', 'next frame') + '\n'), () => undefined);
    await w.close();

    const app = makeApp(dir);
    await app.start(); // exited 1 ("The store could not start" / STORE_IO) before the fix
    try {
      const q = await query(app, 'source:app');
      expect(q.status).toBe(200);
      expect(q.events.map((e) => e.message).sort()).toEqual(['after', 'before', 'next frame']);
      const m = await app.http.inject({ method: 'GET', url: '/metrics' });
      expect(m.body).toMatch(/^argus_store_quarantined_events_total 1$/m);
      expect(m.body).toMatch(/^argus_store_quarantined_batches_total 1$/m);
      expect(readdirSync(join(dir, 'quarantine', 'wal')).sort()).toEqual(['wal-000000000001-0.json', 'wal-000000000001-0.ndjson']);
      await app.store.flush();
      expect((await query(app, 'source:app')).events).toHaveLength(3);
    } finally {
      await app.stop();
    }
  });
});
