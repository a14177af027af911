/**
 * Issue 16, "what must be shown": a new receiver is one folder (test/fixtures/dummy-receiver/) plus
 * one line in the registry list handed to createApp; nothing in src/api/ or src/app.ts knows it.
 * The shared seam serves it with bearer-token auth bound to a cluster, gzip bodies, the 200/207/4xx
 * answer, provenance and its own metrics. Through a real listen on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import { DEFAULT_REGISTRY } from '../../src/registry.ts';
import type { Registry } from '../../src/registry.ts';
import { dummyReceiverFactory } from '../fixtures/dummy-receiver/index.ts';

const TOKEN = 'dummy-token-0123456789abcdef';
const registry: Registry = {
  ...DEFAULT_REGISTRY,
  receivers: [...DEFAULT_REGISTRY.receivers, dummyReceiverFactory], // the one line
};

const dir = mkdtempSync(join(tmpdir(), 'argus-dummy-'));
let app: App;
let url: string;
beforeAll(async () => {
  app = createApp(
    { data: join(dir, 'data'), listen: '127.0.0.1:0', detection: { builtin: false }, receivers: { dummy: { tokens: [{ token: TOKEN, cluster: 'lab' }] } } },
    { logger: pino({ level: 'silent' }), defaultMetrics: false, registry },
  );
  url = await app.start();
});
afterAll(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function post(body: Buffer | string, headers: Record<string, string>, query = ''): Promise<{ status: number; json: any }> {
  const r = await fetch(`${url}/api/v1/ingest/dummy${query}`, { method: 'POST', body, headers: { 'content-type': 'text/plain', ...headers } });
  return { status: r.status, json: await r.json() };
}

async function query(q: string): Promise<any[]> {
  const r = await fetch(`${url}/api/v1/query?q=${encodeURIComponent(q)}&limit=100`);
  return ((await r.json()) as { events: any[] }).events;
}

describe('a receiver added as one folder plus one registry line', () => {
  it('refuses a request without a token, or with a wrong one, before reading the body', async () => {
    expect((await post('hello', {})).status).toBe(401);
    const wrong = await post('hello', { authorization: 'Bearer not-the-token-0123456789' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('UNAUTHORIZED');
    const otherCluster = await post('hello', { authorization: `Bearer ${TOKEN}` }, '?cluster=prod');
    expect(otherCluster.status).toBe(403);
  });

  it('stores a gzip body with the cluster and credential of its token, bad lines as 207 entries', async () => {
    const body = gzipSync('dummy one\n!not this\ndummy two\n');
    const r = await post(body, { authorization: `Bearer ${TOKEN}`, 'content-encoding': 'gzip' });
    expect(r.status).toBe(207);
    expect(r.json).toMatchObject({ accepted: 2, rejected: 1, errors: [{ index: 1, field: 'line' }] });
    const events = await query('source:dummy');
    expect(events.map((e) => [e.message, e.cluster, e.ingest]).sort()).toEqual([
      ['dummy one', 'lab', 'dummy/token:lab'],
      ['dummy two', 'lab', 'dummy/token:lab'],
    ]);
  });

  it('keeps its own body limit on the decoded bytes (413), and the other receivers are unaffected', async () => {
    const big = gzipSync('x'.repeat(100 * 1024));
    const r = await post(big, { authorization: `Bearer ${TOKEN}`, 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
    const generic = await fetch(`${url}/api/v1/events`, { method: 'POST', body: JSON.stringify([{ message: 'generic still here' }]) });
    expect(generic.status).toBe(200);
  });

  it('may not write a source another receiver owns (provenance comes from its declaration)', async () => {
    // the generic endpoint can no longer write `source: dummy`: the dummy receiver owns it
    const r = await fetch(`${url}/api/v1/events`, { method: 'POST', body: JSON.stringify([{ message: 'forged', source: 'dummy' }]) });
    expect(r.status).toBe(400);
    expect(JSON.stringify(await r.json())).toMatch(/reserved \(written only by dummy\)/);
  });

  it('shows its metrics, labelled with its name', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^argus_receiver_requests_total\{receiver="dummy",status="207"\} 1$/m);
    expect(text).toMatch(/^argus_receiver_requests_total\{receiver="dummy",status="401"\} 2$/m);
    expect(text).toMatch(/^argus_receiver_requests_total\{receiver="dummy",status="413"\} 1$/m);
    expect(text).toMatch(/^argus_receiver_events_accepted_total\{receiver="dummy"\} 2$/m);
    expect(text).toMatch(/^argus_receiver_events_rejected_total\{receiver="dummy"\} 1$/m);
    expect(text).toMatch(/^argus_receiver_received_bytes_total\{receiver="dummy"\} 30$/m);
    expect(text).toMatch(/^argus_receiver_request_duration_seconds_count\{receiver="dummy"\} 5$/m);
    expect(text).toMatch(/^argus_receiver_events_accepted_total\{receiver="generic"\} 1$/m);
  });
});
