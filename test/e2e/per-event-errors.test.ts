/**
 * Issue 15 item 5: one bad event (too deep, out of range) is that event's error in a 207; its
 * neighbours are stored, whatever the body shape; never a 400 or 500 for the whole batch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { parseConfig, serverConfigSchema } from '../../src/core/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { startTestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

/** `{"d":{"d":...{"d":1}}}` nested `n` levels, built as text (building it as an object and stringifying would overflow) */
function deepText(n: number): string {
  return '{"d":'.repeat(n) + '1' + '}'.repeat(n);
}

async function post(url: string, payload: string, contentType = 'application/json') {
  const r = await t.app.http.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });
  return { status: r.statusCode, body: r.json() as Record<string, any> };
}

async function count(q: string): Promise<number> {
  const r = await t.app.http.inject({ method: 'GET', url: `/api/v1/query?limit=100&q=${encodeURIComponent(q)}` });
  expect(r.statusCode).toBe(200);
  return (r.json() as { events: unknown[] }).events.length;
}

/** [good, 5000-deep, good, ts 1.2e38, good] as one event text per element */
function genericBatch(tag: string): string[] {
  return [
    JSON.stringify({ message: `${tag} good-0` }),
    `{"message":"${tag} deep","attrs":${deepText(5000)}}`,
    JSON.stringify({ message: `${tag} good-2` }),
    `{"message":"${tag} far","ts":1.2e38}`,
    JSON.stringify({ message: `${tag} good-4` }),
  ];
}

function expectTwoErrors(body: Record<string, any>): void {
  expect(body.accepted).toBe(3);
  expect(body.rejected).toBe(2);
  const errors = body.errors as { index: number; field?: string; message: string }[];
  expect(errors.map((e) => e.index)).toEqual([1, 3]);
  expect(errors[0]!.field).toBe('attrs');
  expect(errors[0]!.message).toMatch(/nest/i);
  expect(errors[1]!.field).toBe('ts');
  expect(errors[1]!.message).toMatch(/range/i);
}

function auditEvent(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/configmaps',
    verb: 'create',
    user: { username: 'alice' },
    objectRef: { resource: 'configmaps', namespace: 'default', name: id },
    responseStatus: { code: 201 },
    requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z',
    stageTimestamp: '2026-01-01T00:00:00.100000Z',
    ...extra,
  };
}

/** an EventList text whose item 1 has a requestObject nested 10,000 deep */
function deepEventList(tag: string): string {
  const good = [0, 2, 3].map((i) => JSON.stringify(auditEvent(`${tag}-${i}`)));
  const deep = JSON.stringify(auditEvent(`${tag}-1`, { requestObject: '@@' })).replace('"@@"', deepText(10_000));
  return `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[${good[0]},${deep},${good[1]},${good[2]}]}`;
}

describe('per-event errors on POST /api/v1/events', () => {
  it('a JSON array [good, 5000-deep, good, ts 1.2e38, good] answers 207 naming indexes 1 and 3; the good ones are stored', async () => {
    const r = await post('/api/v1/events', `[${genericBatch('arr').join(',')}]`);
    expect(r.status).toBe(207);
    expectTwoErrors(r.body);
    expect(await count('"arr good"')).toBe(3);
    expect(await count('arr')).toBe(3);
  });

  it('the same batch as NDJSON answers 207 naming lines 1 and 3', async () => {
    const r = await post('/api/v1/events', genericBatch('nd').join('\n'), 'application/x-ndjson');
    expect(r.status).toBe(207);
    expectTwoErrors(r.body);
    expect(await count('"nd good"')).toBe(3);
  });

  it('a single too-deep object answers 400 naming the field (nothing else to store), not 500', async () => {
    const r = await post('/api/v1/events', `{"message":"single","attrs":${deepText(100_000)}}`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_EVENT');
    expect(r.body.error.errors[0]).toMatchObject({ index: 0, field: 'attrs' });
  });

  it('rejects other out-of-range numbers per event (ts as a string of year 0000, code, negative ts)', async () => {
    const r = await post(
      '/api/v1/events',
      JSON.stringify([{ message: 'rng ok' }, { message: 'rng a', ts: '0000-01-01T00:00:00Z' }, { message: 'rng b', code: 1e38 }, { message: 'rng c', ts: -5 }]),
    );
    expect(r.status).toBe(207);
    expect((r.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['ts', 'code', 'ts']);
    expect(await count('"rng ok"')).toBe(1);
  });
});

describe('events at the nesting cap', () => {
  it('are stored, queried and flushed to a segment at the highest cap the config allows (1000)', async () => {
    const deep = await startTestApp({ limits: { maxDepth: 1000 } });
    try {
      const body = `[{"message":"cap ok","attrs":${deepText(999)}},{"message":"cap over","attrs":${deepText(1000)}}]`;
      const r = await deep.app.http.inject({ method: 'POST', url: '/api/v1/events', payload: body, headers: { 'content-type': 'application/json' } });
      expect(r.statusCode).toBe(207);
      expect((r.json() as { errors: unknown[] }).errors).toEqual([{ index: 1, field: 'attrs', message: 'attrs: nested more than 1000 levels deep (limits.maxDepth)' }]);
      await deep.app.store.flush();
      const q = await deep.app.http.inject({ method: 'GET', url: `/api/v1/query?q=${encodeURIComponent('"cap ok"')}` });
      expect(q.statusCode).toBe(200);
      const events = (q.json() as { events: { attrs: unknown }[] }).events;
      expect(events).toHaveLength(1);
      expect(JSON.stringify(events[0]!.attrs)).toBe(deepText(999));
    } finally {
      await deep.close();
    }
  });

  it('the config defaults the cap to 512 and refuses one above 1000', () => {
    expect(parseConfig(serverConfigSchema, {}).limits.maxDepth).toBe(512);
    expect(() => parseConfig(serverConfigSchema, { limits: { maxDepth: 5000 } })).toThrow(/limits\.maxDepth/);
  });
});

describe('a body of 1,000,000 tiny bad events', () => {
  it('stores the good one, counts every bad one and lists at most 100', async () => {
    const r = await post('/api/v1/events', `[{"message":"mil ok"}${',1'.repeat(1_000_000)}]`);
    expect(r.status).toBe(207);
    expect(r.body.accepted).toBe(1);
    expect(r.body.rejected).toBe(1_000_000);
    expect(r.body.errors).toHaveLength(100);
    expect(r.body.errors[0]).toEqual({ index: 1, message: 'event must be a JSON object' });
    const audit = await post('/k8s-audit?cluster=c1', `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[${JSON.stringify(auditEvent('mil-0'))}${',1'.repeat(1_000_000)}]}`);
    expect(audit.status).toBe(207);
    expect(audit.body.rejected).toBe(1_000_000);
    expect(audit.body.errors).toHaveLength(100);
  });
});

describe('per-event errors on POST /k8s-audit', () => {
  it('an EventList with one requestObject nested 10,000 deep answers 207; the good items are stored, no 500', async () => {
    const r = await post('/k8s-audit?cluster=c1', deepEventList('evl'));
    expect(r.status).toBe(207);
    expect(r.body.accepted).toBe(3);
    expect(r.body.errors).toEqual([{ index: 1, field: 'requestObject', message: expect.stringMatching(/nest/i) }]);
    expect(await count('source:k8s_audit objectName:evl-*')).toBe(3);
  });

  it('an audit event whose responseStatus.code is out of range is its own error', async () => {
    const items = [auditEvent('code-0'), auditEvent('code-1', { responseStatus: { code: 1.2e38 } })];
    const r = await post('/k8s-audit?cluster=c1', JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items }));
    expect(r.status).toBe(207);
    expect(r.body.errors).toEqual([{ index: 1, field: 'responseStatus.code', message: expect.stringMatching(/range/i) }]);
    expect(await count('source:k8s_audit objectName:code-0')).toBe(1);
  });

  it('NDJSON and cloud envelopes (AKS records) isolate the deep event the same way', async () => {
    const lines = [JSON.stringify(auditEvent('ndj-0')), JSON.stringify(auditEvent('ndj-1', { requestObject: '@@' })).replace('"@@"', deepText(10_000))];
    const r = await post('/k8s-audit?cluster=c1', lines.join('\n'), 'application/x-ndjson');
    expect(r.status).toBe(207);
    expect(r.body.errors).toEqual([{ index: 1, field: 'requestObject', message: expect.stringMatching(/nest/i) }]);
    const deepLog = JSON.stringify(auditEvent('aks-1', { requestObject: '@@' })).replace('"@@"', deepText(10_000));
    const aks = { records: [{ category: 'kube-audit', properties: { log: JSON.stringify(auditEvent('aks-0')) } }, { category: 'kube-audit', properties: { log: deepLog } }] };
    const a = await post('/k8s-audit?cluster=c1', JSON.stringify(aks));
    expect(a.status).toBe(207);
    expect(a.body.errors).toEqual([{ index: 1, field: 'requestObject', message: expect.stringMatching(/nest/i) }]);
    expect(await count('source:k8s_audit objectName:ndj-0 OR objectName:aks-0')).toBe(2);
  });
});

describe('argus ingest --k8s-audit FILE --data (offline path, same decoder)', () => {
  it('stores the good lines of a file holding a 10,000-deep requestObject', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-perevent-'));
    try {
      const file = join(dir, 'audit.log');
      const deep = JSON.stringify(auditEvent('off-1', { requestObject: '@@' })).replace('"@@"', deepText(10_000));
      writeFileSync(file, [JSON.stringify(auditEvent('off-0')), deep, JSON.stringify(auditEvent('off-2'))].join('\n') + '\n');
      const { registerIngestCommand } = await import('../../src/cli/commands/ingest.ts');
      const { Command } = await import('commander');
      const program = new Command().exitOverride();
      registerIngestCommand(program);
      const data = join(dir, 'data');
      const out: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      const errWrite = process.stderr.write.bind(process.stderr);
      process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
      process.stderr.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stderr.write;
      try {
        await program.parseAsync(['node', 'argus', 'ingest', '--k8s-audit', file, '--data', data, '--cluster', 'off', '-o', 'json']);
      } finally {
        process.stdout.write = write;
        process.stderr.write = errWrite;
        process.exitCode = 0;
      }
      expect(JSON.parse(out.find((l) => l.startsWith('{'))!)).toMatchObject({ accepted: 2, rejected: 1 });
      const app = createApp({ data, listen: '127.0.0.1:0' }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
      await app.open();
      try {
        const q = await app.http.inject({ method: 'GET', url: `/api/v1/query?q=${encodeURIComponent('objectName:off-*')}` });
        expect((q.json() as { events: unknown[] }).events).toHaveLength(2);
      } finally {
        await app.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
