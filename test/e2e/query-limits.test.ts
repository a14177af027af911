/**
 * Query limits over a real listener: a query whose client disconnects is interrupted, queued
 * queries are bounded (503 QUERY_OVERLOADED + Retry-After) and leave the queue with their client,
 * a deadline interrupts DuckDB, and a big `limit` is capped in bytes. Waits are capped generously
 * (the bug is an unbounded run); nothing asserts a duration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import { QueryGate } from '../../src/api/index.ts';
import { isArgusError, parseConfig, queryConfigSchema } from '../../src/core/index.ts';
import type { EmbeddedStore } from '../../src/store/index.ts';
import { parseQuery } from '../../src/query/index.ts';
import { metricValue } from '../helpers/app.ts';
import { eventually, fillStore, heavyQueryText } from '../helpers/heavy-query.ts';
import { freePort } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-qlimits-'));
let app: App;
let url: string;
const store = (): EmbeddedStore => app.store as EmbeddedStore;
const heavyUrl = (): string => `${url}/api/v1/query?q=${encodeURIComponent(heavyQueryText(200))}`;

/** Starts the heavy query over HTTP; abort the controller to disconnect. */
function startHeavy(): { ac: AbortController; res: Promise<Response | undefined> } {
  const ac = new AbortController();
  return { ac, res: fetch(heavyUrl(), { signal: ac.signal }).catch(() => undefined) };
}

beforeAll(async () => {
  const port = await freePort();
  app = createApp(
    { data: join(dir, 'data'), listen: `127.0.0.1:${port}`, detection: { builtin: false }, query: { maxConcurrent: 1, maxQueued: 1, timeout: '10m', maxResultBytes: 1024 * 1024 } },
    { logger: pino({ level: 'silent' }), defaultMetrics: false },
  );
  url = await app.start();
  await fillStore(app.store, 200_000);
}, 180_000);
afterAll(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('query limits', () => {
  it('interrupts a query whose client disconnected', async () => {
    const before = await metricValue(app, 'argus_queries_total', { outcome: 'cancelled' });
    const q = startHeavy();
    expect(await eventually(() => store().runningQueries() === 1, 10_000)).toBe(true);
    q.ac.abort();
    // unfixed, the query ran on for seconds after its client had gone
    expect(await eventually(() => store().runningQueries() === 0, 5_000)).toBe(true);
    expect(await eventually(async () => (await metricValue(app, 'argus_queries_total', { outcome: 'cancelled' })) === before + 1, 5_000)).toBe(true);
  }, 60_000);

  it('bounds the queue: one runs, one waits, the next gets 503 + Retry-After; a queued client that leaves leaves the queue', async () => {
    const running = startHeavy();
    expect(await eventually(() => store().runningQueries() === 1, 10_000)).toBe(true);
    const queued = startHeavy();
    expect(await eventually(async () => (await metricValue(app, 'argus_queries_queued')) === 1, 10_000)).toBe(true);
    const refused = await fetch(heavyUrl());
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('QUERY_OVERLOADED');
    expect(await metricValue(app, 'argus_queries_total', { outcome: 'rejected' })).toBe(1);
    queued.ac.abort();
    expect(await eventually(async () => (await metricValue(app, 'argus_queries_queued')) === 0, 5_000)).toBe(true);
    expect(store().runningQueries()).toBe(1); // the queued one never reached the store
    running.ac.abort();
    expect(await eventually(() => store().runningQueries() === 0, 5_000)).toBe(true);
    expect(await metricValue(app, 'argus_queries_running')).toBe(0);
    // the slot is free again
    const ok = await fetch(`${url}/api/v1/query?q=*&limit=5`);
    expect(ok.status).toBe(200);
  }, 60_000);

  it('a deadline interrupts the query and names the config key', async () => {
    const gate = new QueryGate(app.store, parseConfig(queryConfigSchema, { timeout: '50ms' }), app.metrics);
    const before = await metricValue(app, 'argus_queries_total', { outcome: 'timeout' });
    const e = await gate.query({ plan: parseQuery(heavyQueryText(200)), limit: 100 }).then(() => undefined, (x: unknown) => x);
    expect(isArgusError(e) && e.code).toBe('QUERY_TIMEOUT');
    expect(isArgusError(e) && e.status).toBe(503);
    expect((e as Error).message).toContain('query.timeout (50ms)');
    expect(store().runningQueries()).toBe(0);
    expect(await metricValue(app, 'argus_queries_total', { outcome: 'timeout' })).toBe(before + 1);
  }, 60_000);

  it('caps limit=100000 at query.maxResultBytes and says truncated', async () => {
    const res = await fetch(`${url}/api/v1/query?q=*&limit=100000`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024 + 4096);
    const body = JSON.parse(text) as { truncated?: boolean; events: unknown[]; stats: { truncated?: unknown } };
    expect(body.truncated).toBe(true);
    expect(body.stats.truncated).toEqual({ reason: 'maxBytes', maxBytes: 1024 * 1024 });
    expect(body.events.length).toBeGreaterThan(1000);
    expect(await metricValue(app, 'argus_queries_total', { outcome: 'truncated' })).toBe(1);
  }, 60_000);
});
