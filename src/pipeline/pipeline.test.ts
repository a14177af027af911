/**
 * The pipeline's fan-out over a real embedded store: every durable batch reaches each consumer in
 * order; a slow consumer's queue is bounded (what overflows is dropped and counted for it alone)
 * while ingest and the other consumers go on; a failing consumer is counted and isolated; the
 * store has no listeners of its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent, LogEventInput } from '../core/index.ts';
import { cleanUp, makePipeline, metric, started } from './test-helpers.ts';

afterEach(cleanUp);

const ORIGIN = { receiver: 'generic', credential: 'anonymous' };

let seq = 0;
const batch = (n: number): LogEventInput[] => Array.from({ length: n }, () => ({ ts: Date.now(), source: 'app', message: `line ${seq++}` }));

describe('pipeline fan-out', () => {
  it('hands each durable batch, in order, to every consumer; the store itself has no listeners', async () => {
    const store = await started();
    const { pipeline } = makePipeline(store);
    expect('subscribe' in store).toBe(false);
    const a: string[] = [];
    const b: string[] = [];
    pipeline.connect({ name: 'a', accept: (evs) => void a.push(...evs.map((e) => e.message)) });
    const off = pipeline.connect({ name: 'b', accept: async (evs) => void b.push(...evs.map((e) => e.message)) });
    const r1 = await pipeline.ingest(batch(3), ORIGIN);
    off();
    await pipeline.ingest(batch(2), ORIGIN);
    expect(r1.accepted).toBe(3);
    expect(a).toHaveLength(5);
    expect(a.slice(0, 3)).toEqual(r1.stored.map((e) => e.message));
    expect(b).toEqual(r1.stored.map((e) => e.message));
  });

  it('bounds a slow consumer: its overflow is dropped and counted while ingest and the others go on', async () => {
    const store = await started();
    const { pipeline, metrics } = makePipeline(store, { queue: { maxEvents: 25, maxBytes: 1 << 30 } });
    const held: { events: LogEvent[]; done: () => void }[] = [];
    pipeline.connect({ name: 'slow', accept: (events) => new Promise<void>((done) => held.push({ events, done })) });
    let fast = 0;
    pipeline.connect({ name: 'fast', accept: (evs) => void (fast += evs.length) });
    let told = 0;
    pipeline.connect({ name: 'slow-told', accept: () => new Promise<void>(() => undefined), dropped: (n) => void (told += n) });
    // 10 batches of 10 while the slow consumer finishes nothing: ingest resolves every time
    for (let i = 0; i < 10; i++) expect((await pipeline.ingest(batch(10), ORIGIN)).accepted).toBe(10);
    expect(fast).toBe(100);
    // the first two batches fit (20 <= 25), every later one would pass the bound
    expect(held.map((h) => h.events.length)).toEqual([10, 10]);
    expect(pipeline.stats().slow).toMatchObject({ queuedEvents: 20, droppedEvents: 80, errors: 0 });
    expect(await metric(metrics, 'argus_pipeline_dropped_events_total', { consumer: 'slow' })).toBe(80);
    expect(await metric(metrics, 'argus_pipeline_dropped_events_total', { consumer: 'fast' })).toBe(0);
    expect(await metric(metrics, 'argus_pipeline_queue_events', { consumer: 'slow' })).toBe(20);
    expect(told).toBe(80);
    // once it catches up, it takes batches again
    for (const h of held.splice(0)) h.done();
    await new Promise((r) => setImmediate(r));
    expect(pipeline.stats().slow!.queuedEvents).toBe(0);
    await pipeline.ingest(batch(10), ORIGIN);
    expect(held).toHaveLength(1);
    expect(await metric(metrics, 'argus_pipeline_queue_events', { consumer: 'slow' })).toBe(10);
    held[0]!.done();
  });

  it('bounds the queue in bytes too', async () => {
    const store = await started();
    const { pipeline, metrics } = makePipeline(store, { queue: { maxEvents: 1_000_000, maxBytes: 3000 } });
    let taken = 0;
    pipeline.connect({ name: 'slow', accept: (evs) => ((taken += evs.length), new Promise<void>(() => undefined)) });
    for (let i = 0; i < 5; i++) await pipeline.ingest(batch(5), ORIGIN); // ~1.3 kB per batch
    expect(taken).toBe(10);
    expect(await metric(metrics, 'argus_pipeline_dropped_events_total', { consumer: 'slow' })).toBe(15);
  });

  it('isolates a failing consumer: counted, logged, and the others still get every batch', async () => {
    const store = await started();
    const { pipeline, metrics } = makePipeline(store);
    let ok = 0;
    let calls = 0;
    pipeline.connect({ name: 'throws', accept: () => { calls++; throw new Error('boom'); } });
    pipeline.connect({ name: 'rejects', accept: async () => { throw new Error('later boom'); } });
    pipeline.connect({ name: 'ok', accept: (evs) => void (ok += evs.length) });
    for (let i = 0; i < 3; i++) expect((await pipeline.ingest(batch(4), ORIGIN)).accepted).toBe(4);
    await new Promise((r) => setImmediate(r));
    expect(ok).toBe(12);
    expect(calls).toBe(3);
    expect(await metric(metrics, 'argus_pipeline_consumer_errors_total', { consumer: 'throws' })).toBe(3);
    expect(await metric(metrics, 'argus_pipeline_consumer_errors_total', { consumer: 'rejects' })).toBe(3);
    expect(pipeline.stats().rejects).toMatchObject({ queuedEvents: 0, errors: 3 });
    expect((await store.stats()).tailRows).toBe(12);
  });

  it('hands consumers only what was stored: duplicates and refused events are not fanned out', async () => {
    const store = await started();
    const { pipeline } = makePipeline(store);
    const seen: string[] = [];
    pipeline.connect({ name: 'c', accept: (evs) => void seen.push(...evs.map((e) => e.dedupKey ?? '')) });
    const keyed = [{ ts: Date.now(), source: 'app', message: 'x', dedupKey: 'generic:k1' }];
    await pipeline.ingest(keyed, ORIGIN);
    const again = await pipeline.ingest(keyed, ORIGIN);
    expect(again.duplicates).toBe(1);
    const forged = await pipeline.ingest([{ ts: Date.now(), source: 'alert', message: 'forged' }], ORIGIN);
    expect(forged.rejected).toHaveLength(1);
    expect(seen).toEqual(['generic:k1']);
  });
});
