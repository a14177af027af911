/**
 * Issue 15 item 7: a body sent at 1 byte/s must not hold a connection for ever, and connections
 * over the cap get a clear 503, not a silent drop. Real sockets on 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import { metricValue } from '../helpers/app.ts';
import { makeCa, makeLeaf } from '../helpers/certs.ts';
import type { RawClient } from '../helpers/raw-socket.ts';
import { openRaw, waitFor } from '../helpers/raw-socket.ts';

const dirs: string[] = [];
const apps: App[] = [];
async function start(config: Record<string, unknown>): Promise<{ app: App; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'argus-http-'));
  dirs.push(dir);
  const app = createApp({ data: join(dir, 'data'), listen: '127.0.0.1:0', detection: { builtin: false }, ...config }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  apps.push(app);
  const url = await app.start();
  return { app, port: Number(new URL(url).port) };
}
afterAll(async () => {
  for (const a of apps) await a.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('request timeout', () => {
  it('answers 408 and closes a connection whose body trickles in at 1 byte per 100 ms', async () => {
    const { app, port } = await start({ http: { requestTimeout: '500ms', headersTimeout: '500ms' } });
    const c = await openRaw(port);
    c.socket.write('POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[');
    let open = true;
    void c.closed.then(() => (open = false));
    // at most 100 bytes (10 s): unfixed, the server waits for all 1000 bytes
    for (let i = 0; i < 100 && open; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (open && !c.socket.destroyed) c.socket.write(' ');
    }
    expect(open).toBe(false);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(await metricValue(app, 'argus_http_client_errors_total', { code: 'ERR_HTTP_REQUEST_TIMEOUT' })).toBeGreaterThanOrEqual(1);
    // the server still serves
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('rejects headersTimeout longer than requestTimeout at start, naming the field', () => {
    expect(() => createApp({ http: { requestTimeout: '1s', headersTimeout: '5s' } }, { logger: pino({ level: 'silent' }), defaultMetrics: false })).toThrow(
      /http\.headersTimeout/,
    );
  });
});

describe('connection cap', () => {
  it('answers connection N+1 with 503 naming the limit, and serves again once connections close', async () => {
    const { app, port } = await start({ http: { maxConnections: 3 } });
    const held: RawClient[] = [];
    for (let i = 0; i < 3; i++) held.push(await openRaw(port));
    expect(await waitFor(async () => (await metricValue(app, 'argus_http_connections')) === 3)).toBe(true);

    const extra = await openRaw(port);
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await Promise.race([extra.closed, new Promise((r) => setTimeout(r, 5000))]);
    const text = extra.received();
    expect(text).toMatch(/^HTTP\/1\.1 503/);
    expect(text).toMatch(/\r\nRetry-After: 1\r\n/i);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string; limit: number; configKey: string } };
    expect(body.error).toMatchObject({ code: 'OVERLOADED', limit: 3, configKey: 'http.maxConnections' });
    expect(body.error.message).toContain('http.maxConnections');
    // the refused connection's request never reached a route
    expect(await metricValue(app, 'argus_http_requests_total', { route: '/healthz' })).toBe(0);
    expect(await metricValue(app, 'argus_http_connections_refused_total')).toBe(1);

    // the held connections still work
    held[0]!.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await waitFor(() => held[0]!.received().includes('"status":"ok"'))).toBe(true);

    for (const h of held) h.socket.destroy();
    expect(await waitFor(async () => (await metricValue(app, 'argus_http_connections')) === 0)).toBe(true);
    const r = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(r.status).toBe(200);
  });
});

describe('connection cap over TLS', () => {
  it('writes the 503 inside TLS once the handshake is done', async () => {
    const certDir = mkdtempSync(join(tmpdir(), 'argus-http-tls-'));
    dirs.push(certDir);
    const ca = makeCa(certDir, 'ca');
    const leaf = makeLeaf(certDir, ca, 'server', true);
    const { app, port } = await start({ http: { maxConnections: 1 }, tls: { certFile: leaf.cert, keyFile: leaf.key } });
    const opts = { host: '127.0.0.1', port, ca: readFileSync(ca.cert) };
    const held = tlsConnect(opts);
    await new Promise((r) => held.once('secureConnect', r));
    expect(await waitFor(async () => (await metricValue(app, 'argus_http_connections')) === 1)).toBe(true);
    const extra = tlsConnect(opts);
    let text = '';
    extra.setEncoding('utf8');
    extra.on('data', (d: string) => (text += d));
    extra.on('error', () => {});
    await new Promise((r) => extra.once('secureConnect', r));
    extra.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await Promise.race([new Promise((r) => extra.once('close', r)), new Promise((r) => setTimeout(r, 5000))]);
    expect(text).toMatch(/^HTTP\/1\.1 503/);
    expect(text).toContain('http.maxConnections');
    held.destroy();
    extra.destroy();
  });
});
