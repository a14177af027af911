/**
 * Issue 15 item 8: live tail is capped, matches once per batch per distinct query, and a client
 * that does not read is disconnected with a reason while the bytes buffered for it stay bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import { metricValue } from '../helpers/app.ts';
import { openRaw, waitFor } from '../helpers/raw-socket.ts';

const BUFFER = 256 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'argus-tail-limits-'));
let app: App;
let url: string;
beforeAll(async () => {
  app = createApp(
    { data: join(dir, 'data'), listen: '127.0.0.1:0', detection: { builtin: false }, tail: { maxClients: 3, maxClientBufferBytes: BUFFER } },
    { logger: pino({ level: 'silent' }), defaultMetrics: false },
  );
  url = await app.start();
});
afterAll(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface SseClient {
  status: number;
  messages: string[];
  close(): Promise<void>;
}

async function tail(q: string): Promise<SseClient & { res: Response }> {
  const ac = new AbortController();
  const res = await fetch(`${url}/api/v1/tail?q=${encodeURIComponent(q)}`, { signal: ac.signal });
  const messages: string[] = [];
  const reading =
    res.status === 200
      ? (async () => {
          const dec = new TextDecoder();
          let buf = '';
          try {
            for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
              buf += dec.decode(chunk, { stream: true });
              let i: number;
              while ((i = buf.indexOf('\n\n')) >= 0) {
                const data = buf.slice(0, i).split('\n').find((l) => l.startsWith('data: '));
                buf = buf.slice(i + 2);
                if (data) messages.push((JSON.parse(data.slice(6)) as { message: string }).message);
              }
            }
          } catch {
            // aborted
          }
        })()
      : Promise.resolve();
  return {
    res,
    status: res.status,
    messages,
    async close() {
      ac.abort();
      await reading;
    },
  };
}

async function post(events: unknown[]): Promise<void> {
  const r = await fetch(`${url}/api/v1/events`, { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' } });
  expect(r.status).toBe(200);
}

describe('live tail limits', () => {
  it('runs each distinct query once per batch for all its clients, and refuses client N+1 naming tail.maxClients', async () => {
    const a = await tail('namespace:hub');
    const b = await tail('namespace:hub');
    const c = await tail('namespace:other');
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(await waitFor(async () => (await metricValue(app, 'argus_live_tail_clients')) === 3)).toBe(true);

    const extra = await tail('namespace:hub');
    expect(extra.status).toBe(503);
    expect(extra.res.headers.get('retry-after')).toBe('1');
    const body = (await extra.res.json()) as { error: { code: string; message: string; limit: number; configKey: string } };
    expect(body.error).toMatchObject({ code: 'OVERLOADED', limit: 3, configKey: 'tail.maxClients' });
    expect(body.error.message).toContain('tail.maxClients');

    const runsBefore = await metricValue(app, 'argus_live_tail_filter_runs_total');
    await post([
      { message: 'hub 1', namespace: 'hub' },
      { message: 'other 1', namespace: 'other' },
      { message: 'hub 2', namespace: 'hub' },
    ]);
    expect(await waitFor(() => a.messages.length >= 2 && b.messages.length >= 2 && c.messages.length >= 1)).toBe(true);
    expect(a.messages).toEqual(['hub 1', 'hub 2']);
    expect(b.messages).toEqual(['hub 1', 'hub 2']);
    expect(c.messages).toEqual(['other 1']);
    // one batch, two distinct queries: two filter runs, not three
    expect((await metricValue(app, 'argus_live_tail_filter_runs_total')) - runsBefore).toBe(2);

    await c.close();
    expect(await waitFor(async () => (await metricValue(app, 'argus_live_tail_clients')) === 2)).toBe(true);
    const again = await tail('namespace:hub');
    expect(again.status).toBe(200);
    for (const x of [a, b, again]) await x.close();
    expect(await waitFor(async () => (await metricValue(app, 'argus_live_tail_clients')) === 0)).toBe(true);
  });

  it('disconnects a client that does not read, with the reason, and keeps its buffer bounded', async () => {
    const port = Number(new URL(url).port);
    const slow = await openRaw(port);
    slow.socket.write('GET /api/v1/tail?q=namespace%3Aflood HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await waitFor(() => slow.received().includes('argus live tail'))).toBe(true);
    slow.socket.pause(); // never reads again: kernel buffers fill, then the server's
    const line = 'x'.repeat(8 * 1024);
    let maxBuffered = 0;
    // at most 100 batches of ~800 KB; unfixed, the server buffers all of them for this client
    for (let i = 0; i < 100; i++) {
      await post(Array.from({ length: 100 }, (_, j) => ({ message: `flood ${i}-${j} ${line}`, namespace: 'flood' })));
      maxBuffered = Math.max(maxBuffered, await metricValue(app, 'argus_live_tail_buffered_bytes'));
      if ((await metricValue(app, 'argus_live_tail_disconnected_total', { reason: 'slow_client' })) > 0) break;
    }
    expect(await metricValue(app, 'argus_live_tail_disconnected_total', { reason: 'slow_client' })).toBe(1);
    expect(maxBuffered).toBeLessThanOrEqual(BUFFER);
    expect(await metricValue(app, 'argus_live_tail_clients')).toBe(0);
    // the client reads what it was sent: the stream ends with the reason
    slow.socket.resume();
    await Promise.race([slow.closed, new Promise((r) => setTimeout(r, 10_000))]);
    const text = slow.received();
    const last = text.slice(text.lastIndexOf('event: error'));
    expect(last).toMatch(/^event: error\ndata: \{"reason":"slow client: more than 262144 bytes waiting/);
  });
});
