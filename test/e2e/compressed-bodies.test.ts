/**
 * Issue 15 item 9: shippers that compress (gzip, deflate, zstd) are decoded, within the route's
 * body limit; a bomb is 413 without inflating it, an unknown encoding 415, a corrupt one 400.
 * Through a real listen on 127.0.0.1 and through inject, on /api/v1/events and /k8s-audit.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import { metricValue } from '../helpers/app.ts';
import { gzipBomb, ZSTD_FRAME, zstdCli } from '../helpers/compressed.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-enc-'));
let app: App;
let url: string;
let gzBomb: Buffer;
let zstdBomb: Buffer | undefined;
beforeAll(async () => {
  gzBomb = await gzipBomb(1 << 30);
  zstdBomb = zstdCli('head -c 1073741824 /dev/zero');
  // a small generic limit; /k8s-audit keeps its own 12 MiB (receivers.k8s_audit.bodyLimit)
  app = createApp({ data: join(dir, 'data'), listen: '127.0.0.1:0', bodyLimit: 1 << 20, detection: { builtin: false } }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  url = await app.start();
});
afterAll(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

function auditList(tag: string): string {
  const now = new Date().toISOString();
  const item = (n: number) => ({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: randomUUID(),
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${tag}/pods`,
    verb: 'list',
    user: { username: `user-${tag}-${n}` },
    objectRef: { resource: 'pods', namespace: tag, apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: now,
    stageTimestamp: now,
  });
  return JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [item(1), item(2)] });
}

type Via = 'listen' | 'inject';
async function post(via: Via, path: string, body: Buffer, encoding: string): Promise<{ status: number; json: any }> {
  const headers = { 'content-type': 'application/json', 'content-encoding': encoding };
  if (via === 'inject') {
    const r = await app.http.inject({ method: 'POST', url: path, payload: body, headers });
    return { status: r.statusCode, json: r.json() };
  }
  const r = await fetch(url + path, { method: 'POST', body, headers });
  return { status: r.status, json: await r.json() };
}

const routes = [
  { path: '/api/v1/events', body: (tag: string) => JSON.stringify([{ message: `enc ${tag} a` }, { message: `enc ${tag} b` }]), limit: 1 << 20 },
  { path: '/k8s-audit', body: auditList, limit: 12 << 20 },
];

describe.each(['listen', 'inject'] as Via[])('Content-Encoding via %s', (via) => {
  describe.each(routes)('$path', ({ path, body, limit }) => {
    it.each([
      ['gzip', (s: string) => gzipSync(s)],
      ['x-gzip', (s: string) => gzipSync(s)],
      ['deflate', (s: string) => deflateSync(s)],
      ['gzip, deflate', (s: string) => deflateSync(gzipSync(s))],
    ])('stores a %s body', async (encoding, compress) => {
      const before = await metricValue(app, 'argus_http_decoded_bodies_total', { outcome: 'ok' });
      const r = await post(via, path, compress(body(`${via}-${encoding}`)), encoding);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json.accepted).toBe(2);
      expect(await metricValue(app, 'argus_http_decoded_bodies_total', { outcome: 'ok' })).toBe(before + 1);
    });

    it('stores a zstd body', async () => {
      const cli = zstdCli(`printf '%s' '${body(`${via}-zstd`)}'`);
      const payload = path === '/api/v1/events' && !cli ? ZSTD_FRAME : cli;
      if (!payload) return; // /k8s-audit needs the CLI; the generic route always runs with the embedded frame
      const r = await post(via, path, payload, 'zstd');
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json.accepted).toBe(2);
      if (path === '/api/v1/events') {
        const r2 = await post(via, path, ZSTD_FRAME, 'zstd');
        expect(r2.status).toBe(200);
      }
    });

    it('answers a 1 GiB gzip bomb with 413 naming the route limit, without inflating it', async () => {
      const bomb = gzBomb;
      global.gc?.();
      const before = process.memoryUsage();
      const r = await post(via, path, bomb, 'gzip');
      const after = process.memoryUsage();
      expect(r.status).toBe(413);
      expect(r.json.error).toMatchObject({ code: 'BODY_TOO_LARGE', limit });
      expect(r.json.error.message).toContain(String(limit));
      // generous: inflating it would take 1024 MiB
      expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(200 << 20);
      expect(await metricValue(app, 'argus_http_decoded_bodies_total', { encoding: 'gzip', outcome: 'too_large' })).toBeGreaterThan(0);
    });

    it('answers a zstd bomb with 413', async () => {
      const bomb = zstdBomb;
      if (!bomb) return;
      const r = await post(via, path, bomb, 'zstd');
      expect(r.status).toBe(413);
      expect(r.json.error).toMatchObject({ code: 'BODY_TOO_LARGE', limit });
    });

    it('answers corrupt gzip with 400 BAD_ENCODING and an unknown encoding with 415 naming it', async () => {
      const gz = gzipSync(body('corrupt'));
      const bad = Buffer.from(gz);
      bad[15] = bad[15]! ^ 0xff;
      const r = await post(via, path, bad, 'gzip');
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('BAD_ENCODING');
      expect(r.json.error.message).toMatch(/not valid gzip/);
      const u = await post(via, path, Buffer.from(body('br')), 'br');
      expect(u.status).toBe(415);
      expect(u.json.error).toMatchObject({ code: 'UNSUPPORTED_ENCODING', encoding: 'br' });
      expect(u.json.error.message).toContain('"br"');
      // and the server keeps serving plain bodies
      const ok = await post(via, path, Buffer.from(body(`${via}-plain`)), 'identity');
      expect(ok.status).toBe(200);
    });
  });
});
