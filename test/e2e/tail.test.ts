/** Live tail over Server-Sent Events: only matching events arrive, after they are durable. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import { freePort } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-tail-'));
let app: App;
let url: string;
beforeAll(async () => {
  const port = await freePort();
  app = createApp({ data: join(dir, 'data'), listen: `127.0.0.1:${port}`, detection: { builtin: false } }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  url = await app.start();
});
afterAll(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/tail', () => {
  it('streams the matching events of later batches as SSE', async () => {
    const ac = new AbortController();
    const res = await fetch(`${url}/api/v1/tail?q=${encodeURIComponent('namespace:payments AND code>=500')}`, { signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const got: { message: string }[] = [];
    const reader = (async () => {
      const dec = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += dec.decode(chunk, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const msg = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = msg.split('\n').find((l) => l.startsWith('data: '));
            if (data) got.push(JSON.parse(data.slice(6)) as { message: string });
          }
        }
      } catch {
        // aborted
      }
    })();
    const body = [
      { message: 'payments boom', namespace: 'payments', code: 503 },
      { message: 'payments ok', namespace: 'payments', code: 200 },
      { message: 'checkout boom', namespace: 'checkout', code: 500 },
      { message: 'payments boom 2', namespace: 'payments', code: 500 },
    ];
    const r = await fetch(`${url}/api/v1/events`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((res) => setTimeout(res, 50));
    ac.abort();
    await reader;
    expect(got.map((e) => e.message)).toEqual(['payments boom', 'payments boom 2']);
  });

  it('rejects a bad tail query with 400 before streaming', async () => {
    const res = await fetch(`${url}/api/v1/tail?q=${encodeURIComponent('code>=')}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('QUERY_SYNTAX');
  });
});
