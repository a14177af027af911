/** CatchUp over a real embedded store: ascending ids in bounded pages, the range and skip respected, retries. */
import { afterEach, describe, expect, it } from 'vitest';
import { finalizeEvent } from '../../core/index.ts';
import type { LogEvent } from '../../core/index.ts';
import type { Store, StoreQuery } from '../../store/index.ts';
import { openStore, tempDir } from '../../store/embedded/test-helpers.ts';
import { CatchUp } from './catch-up.ts';
import type { CatchUpOptions } from './catch-up.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function storeWith(n: number): Promise<{ store: Store; events: LogEvent[] }> {
  const { dir, cleanup } = tempDir();
  const store = openStore(dir);
  await store.start();
  cleanups.push(cleanup, () => store.stop());
  const now = Date.now();
  // event times deliberately out of id order (ts descending): the catch-up goes by id
  const events = Array.from({ length: n }, (_, i) => finalizeEvent({ ts: now - i * 1000, source: 'container', message: `line ${i}` }, now));
  for (let i = 0; i < n; i += 100) await store.append(events.slice(i, i + 100));
  await store.append([finalizeEvent({ ts: now, source: 'alert', message: 'an alert is not input' }, now)]);
  return { store, events };
}

function run(store: Store, o: Partial<CatchUpOptions>) {
  const delivered: string[][] = [];
  const limits: number[] = [];
  const c = new CatchUp({
    store: { ...store, query: (q: StoreQuery) => (limits.push(q.limit), store.query(q)) },
    range: { afterId: null },
    pageEvents: 70,
    deliver: async (events) => void delivered.push(events.map((e) => e.id)),
    skip: () => false,
    retryDelayMs: 1,
    ...o,
  });
  return { c, delivered, limits };
}

describe('CatchUp', () => {
  it('reads the range after afterId by ascending id, a bounded page at a time, alerts excluded', async () => {
    const { store, events } = await storeWith(500);
    const ids = events.map((e) => e.id);
    const { c, delivered, limits } = run(store, { range: { afterId: ids[99]! } });
    const p = await c.run();
    expect(delivered.flat()).toEqual(ids.slice(100));
    expect(delivered.every((page) => page.length <= 70)).toBe(true);
    expect(limits).toEqual([1, ...Array<number>(Math.ceil(400 / 70)).fill(70)]);
    expect(p).toMatchObject({ active: false, outcome: 'done', processed: 400, total: 400, remaining: 0, cursor: ids.at(-1) });
  });

  it('leaves out skipped ids and counts them as read', async () => {
    const { store, events } = await storeWith(200);
    const skipped = new Set(events.filter((_, i) => i % 3 === 0).map((e) => e.id));
    const { c, delivered } = run(store, { skip: (id) => skipped.has(id) });
    const p = await c.run();
    expect(delivered.flat()).toEqual(events.map((e) => e.id).filter((id) => !skipped.has(id)));
    expect(p.processed).toBe(200);
  });

  it('retries a failing page, then gives up with outcome failed', async () => {
    const { store } = await storeWith(100);
    let fail = 2;
    const flaky: Store = {
      ...store,
      query: async (q) => {
        if (q.limit > 1 && fail-- > 0) throw new Error('disk on fire');
        return store.query(q);
      },
    };
    const ok = run(flaky, {});
    expect((await ok.c.run()).processed).toBe(100);
    const broken: Store = { ...store, query: async (q) => (q.limit > 1 ? Promise.reject(new Error('gone')) : store.query(q)) };
    const bad = run(broken, { attempts: 3 });
    await expect(bad.c.run()).rejects.toThrow('gone');
    expect(bad.c.progress).toMatchObject({ active: false, outcome: 'failed', processed: 0 });
  });

  it('has nothing to do on an empty range', async () => {
    const { store, events } = await storeWith(10);
    const { c, delivered, limits } = run(store, { range: { afterId: events.at(-1)!.id } });
    expect(await c.run()).toMatchObject({ outcome: 'done', total: 0, upperId: null });
    expect(delivered).toEqual([]);
    expect(limits).toEqual([1]);
  });
});
