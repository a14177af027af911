import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryPlan, RetentionConfig } from '../../core/index.ts';
import type { SegmentInfo } from '../types.ts';
import { planCompaction, planRetention } from './retention.ts';
import type { EmbeddedStore } from './store.ts';
import { auditEvent } from './test-events.ts';
import { openStore, tempDir } from './test-helpers.ts';

const DAY = 86_400_000;
const ALL: QueryPlan = { filter: { op: 'true' }, stages: [] };
const seg = (id: string, source: string, maxTs: number, bytes: number, rows = 10, partition = 'p'): SegmentInfo => ({
  id, path: id, source, partition, minTs: maxTs - 1, maxTs, rows, bytes, sha256: '', createdAt: 0,
});
const ret = (r: Partial<RetentionConfig>): RetentionConfig => ({ perSource: {}, ...r });

describe('retention and compaction planning', () => {
  const now = 100 * DAY;
  const segs = [seg('a1', 'a', now - 10 * DAY, 100), seg('a2', 'a', now - 2 * DAY, 100), seg('b1', 'b', now - 5 * DAY, 300), seg('b2', 'b', now - DAY, 300)];
  const ids = (r: SegmentInfo[]): string[] => r.map((s) => s.id);

  it('drops by age, by total size oldest first, and per source', () => {
    expect(ids(planRetention(segs, ret({}), now))).toEqual([]);
    expect(ids(planRetention(segs, ret({ maxAge: '7d' }), now))).toEqual(['a1']);
    expect(ids(planRetention(segs, ret({ maxBytes: 500 }), now))).toEqual(['a1', 'b1']);
    expect(ids(planRetention(segs, ret({ maxAge: '30d', perSource: { b: { maxAge: '3d' } } }), now))).toEqual(['b1']);
    expect(ids(planRetention(segs, ret({ perSource: { a: { maxBytes: 150 } } }), now))).toEqual(['a1']);
  });

  it('groups small segments of the same source and partition', () => {
    const small = [seg('x1', 'a', 1, 1, 10, 'd1'), seg('x2', 'a', 2, 1, 10, 'd1'), seg('x3', 'a', 3, 1, 10, 'd2'), seg('x4', 'b', 4, 1, 10, 'd1'), seg('x5', 'a', 5, 1, 500, 'd1')];
    expect(planCompaction(small, 100).map(ids)).toEqual([['x1', 'x2']]);
  });
});

describe('retention and compaction in the store', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await store?.stop();
    cleanup();
  });

  async function count(): Promise<number> {
    const r = await store.query({ plan: ALL, limit: 1_000_000 });
    return r.kind === 'events' ? r.events.length : -1;
  }

  it('applies retention through the manifest and deletes the files', async () => {
    const now = Date.UTC(2026, 5, 1);
    store = openStore(dir, { retention: { maxAge: '10d', perSource: { nginx: { maxAge: '2d' } } } });
    await store.start();
    await store.append([auditEvent(1, { ts: now - 20 * DAY }), auditEvent(2, { ts: now - 5 * DAY }), auditEvent(3, { ts: now - DAY })]);
    await store.append([auditEvent(4, { ts: now - 5 * DAY, source: 'nginx' }), auditEvent(5, { ts: now - DAY, source: 'nginx' })]);
    await store.flush();
    const before = (await store.stats()).segments;
    expect(before).toBe(5);
    const paths = readFileSync(join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { op: string; path?: string; ts?: number });
    const report = await store.applyRetention(now);
    expect(report).toMatchObject({ deletedSegments: 2, deletedRows: 2 });
    expect(await count()).toBe(3);
    const removes = readFileSync(join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { op: string; reason?: string });
    expect(removes.filter((l) => l.op === 'remove').map((l) => l.reason)).toEqual(['retention', 'retention']);
    const live = paths.filter((p) => p.op === 'add').map((p) => existsSync(join(dir, p.path!)));
    expect(live.filter(Boolean)).toHaveLength(3);
    await store.stop();
    store = openStore(dir);
    await store.start();
    expect(await count()).toBe(3);
  });

  it('applies retention by total bytes', async () => {
    store = openStore(dir);
    await store.start();
    for (let d = 0; d < 4; d++) {
      await store.append([auditEvent(d, { ts: Date.UTC(2026, 0, 1 + d) })]);
      await store.flush();
    }
    const st = await store.stats();
    await store.stop();
    const oneSeg = Math.max(...Object.values(st.bySource).map((b) => b.bytes / b.segments));
    store = openStore(dir, { retention: { maxBytes: Math.ceil(oneSeg * 2.5), perSource: {} } });
    await store.start();
    expect(await store.applyRetention()).toMatchObject({ deletedSegments: 2 });
    const r = await store.query({ plan: ALL, limit: 10 });
    expect(r.kind === 'events' && r.events.map((e) => new Date(e.ts).getUTCDate()).sort()).toEqual([3, 4]);
  });

  it('compacts small segments of a partition and keeps every row, with a query running', async () => {
    store = openStore(dir, { compactBelowRows: 1000 });
    await store.start();
    const all: string[] = [];
    for (let i = 0; i < 5; i++) {
      const evs = Array.from({ length: 20 }, (_, j) => auditEvent(i * 100 + j, { ts: Date.UTC(2026, 0, 1, i, j) }));
      all.push(...evs.map((e) => e.id));
      await store.append(evs);
      await store.flush();
    }
    expect((await store.stats()).segments).toBe(5);
    const [report, during] = await Promise.all([store.compact(), store.query({ plan: ALL, limit: 1000 })]);
    expect(report).toEqual({ merged: 5, created: 1 });
    expect(during.kind === 'events' && during.events.length).toBe(100);
    const st = await store.stats();
    expect(st).toMatchObject({ segments: 1, segmentRows: 100 });
    const r = await store.query({ plan: ALL, limit: 1000 });
    expect(r.kind === 'events' && r.events.map((e) => e.id).sort()).toEqual(all.sort());
    await store.stop();
    store = openStore(dir, { compactBelowRows: 1000 });
    await store.start();
    expect((await store.stats()).segments).toBe(1);
    expect(await count()).toBe(100);
  });
});
