import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryPlan } from '../../core/index.ts';
import type { EmbeddedStore } from './store.ts';
import { auditEvent } from './test-events.ts';
import { openStore, tempDir } from './test-helpers.ts';

const ALL: QueryPlan = { filter: { op: 'true' }, stages: [] };
const bySource = (s: string): QueryPlan => ({ filter: { op: 'match', field: { kind: 'column', name: 'source' }, value: s, wildcard: false }, stages: [] });

async function ids(store: EmbeddedStore, plan: QueryPlan = ALL, from?: number, to?: number): Promise<string[]> {
  const r = await store.query({ plan, from, to, limit: 1_000_000 });
  if (r.kind !== 'events') throw new Error('expected events');
  return r.events.map((e) => e.id).sort();
}

describe('embedded store', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
  });
  afterEach(async () => {
    await store?.stop();
    cleanup();
  });

  it('round-trips events through append and query', async () => {
    store = openStore(dir);
    await store.start();
    const ev = auditEvent(1, { tsNanos: 123, raw: 'raw bytes', attrs: { nested: { a: [1, 2] }, big: 2 ** 40 } });
    const r = await store.append([ev, auditEvent(2, { source: 'nginx', groups: undefined, code: undefined })]);
    expect(r).toMatchObject({ accepted: 2, duplicates: 0 });
    const q = await store.query({ plan: ALL, limit: 10 });
    expect(q.kind).toBe('events');
    if (q.kind !== 'events') return;
    const back = q.events.find((e) => e.id === ev.id)!;
    expect(back).toEqual(ev);
    const other = q.events.find((e) => e.source === 'nginx')!;
    expect('groups' in other).toBe(false);
    expect('code' in other).toBe(false);
    expect(q.stats.tailRows).toBe(2);
    expect(await ids(store, bySource('NGINX'))).toEqual([other.id]);
  });

  it('coalesces concurrent appends into one fsync', async () => {
    store = openStore(dir, { commitDelayMs: 5 });
    await store.start();
    const before = store.walStats().fsyncs;
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.append([auditEvent(i)])));
    const after = store.walStats();
    expect(after.frames).toBe(20);
    expect(after.fsyncs - before).toBeLessThan(20);
    expect(after.fsyncs - before).toBeGreaterThanOrEqual(1);
    expect(await ids(store)).toHaveLength(20);
  });

  it('flushes the tail to zstd Parquet segments, writes the manifest and trims the WAL', async () => {
    store = openStore(dir);
    await store.start();
    const day1 = Date.UTC(2026, 0, 15, 12);
    const day2 = Date.UTC(2026, 0, 16, 12);
    await store.append([auditEvent(1, { ts: day1 }), auditEvent(2, { ts: day2 }), auditEvent(3, { ts: day1, source: 'nginx' })]);
    await store.flush();
    const st = await store.stats();
    expect(st).toMatchObject({ tailRows: 0, segments: 3, segmentRows: 3 });
    expect(st.bySource.k8s_audit).toMatchObject({ rows: 2, segments: 2 });
    expect(readdirSync(join(dir, 'segments/source=k8s_audit'))).toEqual(['day=2026-01-15', 'day=2026-01-16']);
    const lines = readFileSync(join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.op)).toEqual(['add', 'add', 'add', 'checkpoint']);
    expect(lines[0]).toMatchObject({ rows: 1, partition: expect.stringMatching(/^2026-01-1[56]$/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(readdirSync(join(dir, 'wal'))).toHaveLength(1); // only the fresh current file
    expect(await ids(store)).toHaveLength(3);
    // more events after the flush are served from the tail and segments together
    await store.append([auditEvent(4, { ts: day2 })]);
    const q = await store.query({ plan: ALL, limit: 10 });
    expect(q.kind === 'events' && q.events.length).toBe(4);
    expect(q.stats).toMatchObject({ segmentsScanned: 3, tailRows: 1 });
  });

  it('keeps events that arrive during a flush in the tail, each exactly once', async () => {
    store = openStore(dir);
    await store.start();
    await store.append(Array.from({ length: 50 }, (_, i) => auditEvent(i)));
    const during = Promise.all(Array.from({ length: 10 }, (_, b) => store.append(Array.from({ length: 5 }, (_, i) => auditEvent(1000 + b * 5 + i)))));
    await Promise.all([store.flush(), during]);
    const all = await ids(store);
    expect(all).toHaveLength(100);
    expect(new Set(all).size).toBe(100);
    const st = await store.stats();
    expect(st.segmentRows + st.tailRows).toBe(100);
    await store.stop();
    store = openStore(dir);
    await store.start();
    expect(await ids(store)).toEqual(all);
  });

  it('replays the WAL on restart', async () => {
    store = openStore(dir);
    await store.start();
    await store.append([auditEvent(1), auditEvent(2)]);
    await store.flush();
    await store.append([auditEvent(3)]);
    const expected = await ids(store);
    await store.stop();
    store = openStore(dir);
    await store.start();
    expect(await ids(store)).toEqual(expected);
    expect((await store.stats()).tailRows).toBe(1);
    await store.flush();
    await store.stop();
    store = openStore(dir);
    await store.start();
    expect(await ids(store)).toEqual(expected);
  });

  it('skips duplicate dedupKeys in a batch, across concurrent batches and across restarts', async () => {
    store = openStore(dir);
    await store.start();
    const a = auditEvent(1, { dedupKey: 'k1' });
    const r1 = await store.append([a, auditEvent(2, { dedupKey: 'k1' })]);
    expect(r1).toMatchObject({ accepted: 1, duplicates: 1 });
    const [x, y] = await Promise.all([store.append([auditEvent(3, { dedupKey: 'k2' })]), store.append([auditEvent(4, { dedupKey: 'k2' })])]);
    expect(x.accepted + y.accepted).toBe(1);
    expect(x.duplicates + y.duplicates).toBe(1);
    await store.flush();
    await store.append([auditEvent(5, { dedupKey: 'k3' })]);
    await store.stop();
    store = openStore(dir);
    await store.start();
    const r2 = await store.append(['k1', 'k2', 'k3', 'k4'].map((k, i) => auditEvent(10 + i, { dedupKey: k })));
    expect(r2).toMatchObject({ accepted: 1, duplicates: 3 });
    expect((await store.stats()).duplicatesSkipped).toBe(3);
  });

  it('prunes segments by time range and source, visible in stats', async () => {
    store = openStore(dir);
    await store.start();
    const base = Date.UTC(2026, 0, 10);
    for (let d = 0; d < 4; d++) await store.append([auditEvent(d, { ts: base + d * 86_400_000 + 1000 })]);
    await store.append([auditEvent(9, { ts: base + 1000, source: 'nginx' })]);
    await store.flush();
    const r = await store.query({ plan: ALL, from: base + 86_400_000, to: base + 3 * 86_400_000, limit: 100 });
    expect(r.stats).toMatchObject({ segmentsScanned: 2, segmentsPruned: 3 });
    expect(r.kind === 'events' && r.events.length).toBe(2);
    const s = await store.query({ plan: { filter: { op: 'and', args: [bySource('nginx').filter, { op: 'true' }] }, stages: [] }, limit: 100 });
    expect(s.stats).toMatchObject({ segmentsScanned: 1, segmentsPruned: 4 });
    expect(s.kind === 'events' && s.events.map((e) => e.source)).toEqual(['nginx']);
  });

  it('acknowledges at fsync; stats never wait and count queued events; queries and settled() see every acknowledged event', async () => {
    store = openStore(dir);
    await store.start();
    const evs = Array.from({ length: 50 }, (_, i) => auditEvent(i));
    await Promise.all([store.append(evs.slice(0, 25)), store.append(evs.slice(25))]);
    const st = await store.stats();
    expect(st.tailRows).toBe(50); // loaded or still queued, each counted once
    expect(st.pendingRows).toBeGreaterThanOrEqual(0);
    expect(await ids(store)).toEqual(evs.map((e) => e.id).sort()); // read-your-writes
    await store.append([auditEvent(50)]);
    await store.settled();
    expect(await store.stats()).toMatchObject({ tailRows: 51, pendingRows: 0 });
  });

  it('remembers at most dedupMaxKeys idempotency keys, evicting (and counting) the oldest', async () => {
    store = openStore(dir, { dedupMaxKeys: 2 });
    await store.start();
    const keyed = (i: number) => ({ ...auditEvent(i), dedupKey: `key-${i}` });
    await store.append([keyed(1), keyed(2), keyed(3)]);
    expect((await store.stats()).dedupEvicted).toBe(1);
    expect(await store.append([keyed(3)])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await store.append([keyed(1)])).toMatchObject({ accepted: 1, duplicates: 0 }); // key-1 was evicted
  });

  it('rejects with OVERLOADED when too many events wait for commit', async () => {
    store = openStore(dir, {}, { maxPendingEvents: 5 });
    await store.start();
    const first = store.append([1, 2, 3, 4].map((i) => auditEvent(i)));
    await expect(store.append([auditEvent(5), auditEvent(6)])).rejects.toMatchObject({ code: 'OVERLOADED' });
    await first;
    await expect(store.append([auditEvent(7)])).resolves.toMatchObject({ accepted: 1 });
  });

  it('answers the stored events of each durable batch and rejects bad events before the WAL', async () => {
    store = openStore(dir);
    await store.start();
    const ev = auditEvent(1);
    expect((await store.append([ev])).stored.map((e) => e.id)).toEqual([ev.id]);
    await store.append([auditEvent(2)]);
    await expect(store.append([{ ...auditEvent(3), ts: 'soon' as unknown as number }])).resolves.toEqual({
      accepted: 0,
      duplicates: 0,
      stored: [],
      rejected: [{ index: 0, field: 'ts', message: 'ts must be a number' }],
    });
    expect(store.walStats().frames).toBe(2);
  });

  it('refuses only the events it cannot canonicalize or encode, stores their neighbours and frees their dedup keys', async () => {
    store = openStore(dir);
    await store.start();
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { d: deep }; // JSON.stringify overflows the stack on it
    const batch = [
      auditEvent(1),
      { ...auditEvent(2), ts: 1.2e38 },
      auditEvent(3),
      { ...auditEvent(4), dedupKey: 'k-4', attrs: deep },
      auditEvent(5),
    ];
    const r = await store.append(batch);
    expect(r.accepted).toBe(3);
    expect(r.stored.map((e) => e.id)).toEqual([batch[0]!.id, batch[2]!.id, batch[4]!.id]);
    expect(r.rejected).toEqual([
      { index: 1, field: 'ts', message: 'ts is out of range' },
      { index: 3, message: expect.stringContaining('could not be encoded') },
    ]);
    // the refused event's idempotency key was released: its corrected retry is stored, not a duplicate
    const retry = await store.append([{ ...auditEvent(4), dedupKey: 'k-4' }]);
    expect(retry).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await ids(store)).toHaveLength(4);
  });

  it('acknowledges a durable batch that failed to load, refuses queries and flushes until a restart replays it from the WAL', async () => {
    store = openStore(dir);
    await store.start();
    await store.append([auditEvent(1)]);
    rmSync(join(dir, 'tmp'), { recursive: true, force: true }); // the tail's scratch dir vanishes
    const lost = auditEvent(2);
    await expect(store.append([lost])).resolves.toMatchObject({ accepted: 1 }); // durable: acknowledged
    await expect(store.query({ plan: ALL, limit: 10 })).rejects.toMatchObject({ code: 'STORE_IO' });
    await expect(store.flush()).rejects.toMatchObject({ code: 'STORE_IO' });
    await store.stop();
    store = openStore(dir);
    await store.start();
    expect(await ids(store)).toContain(lost.id);
    expect(await ids(store)).toHaveLength(2);
  });

  it('stop is safe twice and without start', async () => {
    store = openStore(dir);
    await store.stop();
    await store.stop();
    const s2 = openStore(dir);
    await s2.start();
    await s2.stop();
    await s2.stop();
    await expect(s2.append([auditEvent(1)])).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
