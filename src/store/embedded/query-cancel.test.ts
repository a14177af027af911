/**
 * Queries stop when their signal aborts (deadline, client gone) and when the store stops, and an
 * answer is capped in bytes. The heavy query (200 attrs paths OR'ed over 200k events) runs for
 * seconds when nothing interrupts it; the assertions are on outcomes, never on durations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgusError } from '../../core/index.ts';
import type { ArgusError as ArgusErrorType } from '../../core/index.ts';
import type { EmbeddedStore } from './store.ts';
import { appEvent, heavyPlan } from './test-events.ts';
import { openStore, tempDir } from './test-helpers.ts';

const EVENTS = 200_000;
const IN_TAIL = 5_000;

async function fill(store: EmbeddedStore): Promise<void> {
  for (let i = 0; i < EVENTS; i += 5000) {
    await store.append(Array.from({ length: 5000 }, (_, j) => appEvent(i + j, 400)));
    if (i + 5000 === EVENTS - IN_TAIL) await store.flush();
  }
  await store.settled();
}

const timeoutAfter = (ms: number): AbortSignal => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(new ArgusError('QUERY_TIMEOUT', 'deadline')), ms).unref();
  return ac.signal;
};

async function failure(p: Promise<unknown>): Promise<ArgusErrorType> {
  try {
    await p;
  } catch (e) {
    return e as ArgusErrorType;
  }
  throw new Error('the query was not stopped: it completed');
}

describe('query deadline, cancellation and byte cap', () => {
  const { dir, cleanup } = tempDir();
  let store: EmbeddedStore;
  beforeAll(async () => {
    store = openStore(dir);
    await store.start();
    await fill(store);
  }, 120_000);
  afterAll(async () => {
    await store.stop();
    cleanup();
  });

  it('a deadline interrupts a running DuckDB query and frees its connection', async () => {
    const e = await failure(store.query({ plan: heavyPlan(200), limit: 100, signal: timeoutAfter(50) }));
    expect(e.code).toBe('QUERY_TIMEOUT');
    // the rejection comes after the query let go of its connection and snapshot
    expect(store.runningQueries()).toBe(0);
    const next = await store.query({ plan: { filter: { op: 'true' }, stages: [] }, limit: 3 });
    expect(next.kind === 'events' && next.events.length).toBe(3);
  });

  it('an abort without an ArgusError reason is QUERY_CANCELLED; an aborted signal does no work', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50).unref();
    expect((await failure(store.query({ plan: heavyPlan(200), limit: 100, signal: ac.signal }))).code).toBe('QUERY_CANCELLED');
    expect((await failure(store.query({ plan: heavyPlan(200), limit: 100, signal: ac.signal }))).code).toBe('QUERY_CANCELLED');
  });

  it('caps an answer at maxBytes and says so; the rows kept are the first of the uncapped answer', async () => {
    const plan = { filter: { op: 'true' as const }, stages: [] };
    const maxBytes = 1024 * 1024;
    const r = await store.query({ plan, limit: 100_000, maxBytes });
    if (r.kind !== 'events') throw new Error('expected events');
    expect(r.truncated).toBe(true);
    expect(r.stats.truncated).toEqual({ reason: 'maxBytes', maxBytes });
    const bytes = Buffer.byteLength(JSON.stringify(r.events));
    expect(bytes).toBeLessThanOrEqual(maxBytes);
    // one more event would not have fitted (each is ~600 bytes)
    expect(bytes).toBeGreaterThan(maxBytes - 2000);
    const same = await store.query({ plan, limit: r.events.length });
    expect(same.kind === 'events' && same.events.map((e) => e.id)).toEqual(r.events.map((e) => e.id));
    expect(same.truncated).toBeUndefined();
  });

  it('caps table answers too', async () => {
    const plan = { filter: { op: 'true' as const }, stages: [{ op: 'stats' as const, aggs: [{ fn: 'count' as const, as: 'count' }], by: [{ kind: 'attr' as const, path: ['b'] }] }] };
    const r = await store.query({ plan, limit: 100_000, maxBytes: 10_000 });
    if (r.kind !== 'table') throw new Error('expected a table');
    expect(r.truncated).toBe(true);
    expect(r.rows.length).toBeGreaterThan(100);
    expect(Buffer.byteLength(JSON.stringify(r.rows))).toBeLessThanOrEqual(10_000);
  });
});

describe('store stop', () => {
  it('interrupts the queries running when it stops', async () => {
    const { dir, cleanup } = tempDir();
    const store = openStore(dir);
    await store.start();
    try {
      await fill(store);
      const running = store.query({ plan: heavyPlan(200), limit: 100 });
      const outcome = running.then(() => 'completed', (e: ArgusErrorType) => e.code);
      await new Promise((r) => setTimeout(r, 100));
      await store.stop();
      expect(await outcome).toBe('STORE_CLOSED');
      expect(store.runningQueries()).toBe(0);
    } finally {
      await store.stop();
      cleanup();
    }
  }, 120_000);
});
