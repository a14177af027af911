/** Issue 15 item 10 over HTTP: a damaged segment gives 200 + stats.partial and the missing range, never 500. */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { metricValue, startTestApp } from '../helpers/app.ts';

const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
const BATCH = 200;

let t: TestApp;
let data: string;
const segs: string[] = [];

function segmentFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(data, p).split(sep).join('/'));
    }
  };
  walk(join(data, 'segments'));
  return out;
}

async function get(url: string): Promise<{ status: number; body: Record<string, any> }> {
  const r = await t.app.http.inject({ method: 'GET', url });
  return { status: r.statusCode, body: r.json() as Record<string, any> };
}

const q = (query: string): string => `/api/v1/query?limit=10000&from=${T0 - 1000}&to=${T0 + 3_600_000}&q=${encodeURIComponent(query)}`;

beforeAll(async () => {
  t = await startTestApp();
  data = join(t.dir, 'data');
  // three segments: batch k holds minutes k*10 .. k*10 + BATCH/60
  for (let k = 0; k < 3; k++) {
    const before = new Set(segmentFiles());
    const events = Array.from({ length: BATCH }, (_, i) => ({ ts: T0 + k * 600_000 + i * 1000, message: `batch-${k} line ${i} end`, source: 'app', verb: i % 2 ? 'get' : 'list' }));
    const r = await t.app.http.inject({ method: 'POST', url: '/api/v1/events', payload: events });
    expect(r.statusCode).toBe(200);
    await t.app.store.flush();
    segs.push(segmentFiles().find((p) => !before.has(p))!);
  }
});
afterAll(async () => t.close());

describe('a damaged segment over HTTP', () => {
  it('answers 200 with partial and the missing range for *, stats and newest-first searches, and counts it', async () => {
    const file = join(data, segs[1]!);
    const buf = readFileSync(file);
    for (let i = 0; i < 64; i++) buf[buf.length - 200 + i]! ^= 0xa5; // the footer
    writeFileSync(file, buf);
    const missing = [{ source: 'app', minTs: T0 + 600_000, maxTs: T0 + 600_000 + (BATCH - 1) * 1000, rows: BATCH }];

    const all = await get(q('*'));
    expect(all.status).toBe(200);
    expect(all.body.stats).toMatchObject({ partial: true, missing });
    expect(all.body.events).toHaveLength(2 * BATCH);
    expect(all.body.events.some((e: { message: string }) => e.message.startsWith('batch-1'))).toBe(false);

    const stats = await get(q('* | stats count() by verb'));
    expect(stats.status).toBe(200);
    expect(stats.body.stats).toMatchObject({ partial: true, missing });
    expect(stats.body.rows.reduce((n: number, r: unknown[]) => n + Number(r[1]), 0)).toBe(2 * BATCH);

    const search = await get(q('"line 7 end" | head 5'));
    expect(search.status).toBe(200);
    expect(search.body.stats).toMatchObject({ partial: true, missing });
    expect(search.body.events.map((e: { message: string }) => e.message)).toEqual(['batch-2 line 7 end', 'batch-0 line 7 end']);

    expect(existsSync(join(data, 'quarantine', segs[1]!))).toBe(true);
    expect(await metricValue(t.app, 'argus_store_quarantined_segments')).toBe(1); // read from the store's stats when collected
    const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^argus_store_quarantined_segments 1$/m);
  });

  it('a segment file deleted under the running server: the next query answers 200, partial', async () => {
    rmSync(join(data, segs[0]!));
    const r = await get(q('*'));
    expect(r.status).toBe(200);
    expect(r.body.stats.partial).toBe(true);
    expect(r.body.stats.missing).toHaveLength(2);
    expect(r.body.events).toHaveLength(BATCH);
    const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^argus_store_quarantined_segments 2$/m);
  });
});
