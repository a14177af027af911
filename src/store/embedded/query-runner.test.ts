import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Filter, QueryPlan } from '../../core/index.ts';
import { requiredSources } from './query-runner.ts';
import { Snapshots } from './snapshots.ts';
import type { EmbeddedStore } from './store.ts';
import { auditEvent } from './test-events.ts';
import { openStore, tempDir } from './test-helpers.ts';

const src = (value: string): Filter => ({ op: 'match', field: { kind: 'column', name: 'source' }, value, wildcard: false });

describe('segment choice and snapshots', () => {
  it('derives required sources only from a top-level AND of source equalities', () => {
    expect(requiredSources({ op: 'true' })).toBeUndefined();
    expect([...requiredSources(src('K8s_Audit'))!]).toEqual(['k8s_audit']);
    expect([...requiredSources({ op: 'and', args: [src('a'), { op: 'in', field: { kind: 'column', name: 'source' }, values: ['a', 'b'] }] })!]).toEqual(['a']);
    expect(requiredSources({ op: 'or', args: [src('a'), src('b')] })).toBeUndefined();
    expect(requiredSources({ op: 'match', field: { kind: 'column', name: 'source' }, value: 'k8s*', wildcard: true })).toBeUndefined();
  });

  it('defers work until readers of older snapshots are done', () => {
    const snaps = new Snapshots([], 0);
    const reader = snaps.acquire();
    let ran = 0;
    snaps.publish([], 1, () => ran++);
    expect(ran).toBe(0);
    const later = snaps.acquire();
    expect(later.snap.flushedWal).toBe(1);
    reader.release();
    reader.release();
    expect(ran).toBe(1);
    snaps.publish([], 2, () => ran++);
    expect(ran).toBe(1); // `later` still reads generation 2
    later.release();
    expect(ran).toBe(2);
  });
});

describe('queries through the DuckDB renderer', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await store?.stop();
    cleanup();
  });

  it('aggregates and matches attrs paths over segments and the tail together', async () => {
    store = openStore(dir);
    await store.start();
    await store.append(Array.from({ length: 14 }, (_, i) => auditEvent(i)));
    await store.flush();
    await store.append(Array.from({ length: 7 }, (_, i) => auditEvent(100 + i)));
    const plan: QueryPlan = { filter: src('k8s_audit'), stages: [{ op: 'stats', aggs: [{ fn: 'count', as: 'count' }], by: [{ kind: 'column', name: 'verb' }] }] };
    const r = await store.query({ plan, limit: 100 });
    expect(r.kind).toBe('table');
    if (r.kind !== 'table') return;
    expect(r.columns).toEqual(['verb', 'count']);
    expect(r.rows.reduce((n, row) => n + (row[1] as number), 0)).toBe(21);
    expect(r.stats).toMatchObject({ segmentsScanned: 1, tailRows: 7 });
    const byAttr = await store.query({
      plan: { filter: { op: 'match', field: { kind: 'attr', path: ['objectRef', 'namespace'] }, value: 'TEAM-1', wildcard: false }, stages: [] },
      limit: 100,
    });
    expect(byAttr.kind === 'events' && byAttr.events.map((e) => e.objectNamespace)).toEqual(['team-1', 'team-1']);
  });

  it('fills the empty buckets of a timechart over the queried range', async () => {
    store = openStore(dir);
    await store.start();
    const T = Date.UTC(2026, 0, 15, 10, 0, 0);
    await store.append([auditEvent(0, { ts: T + 5_000 }), auditEvent(1, { ts: T + 3 * 60_000 }), auditEvent(2, { ts: T + 3 * 60_000 + 1 })]);
    const plan: QueryPlan = { filter: { op: 'true' }, stages: [{ op: 'timechart', spanMs: 60_000, aggs: [{ fn: 'count', as: 'count' }] }] };
    const r = await store.query({ plan, from: T, to: T + 5 * 60_000, limit: 100 });
    expect(r.kind === 'table' && r.rows).toEqual([[T, 1], [T + 60_000, 0], [T + 120_000, 0], [T + 180_000, 2], [T + 240_000, 0]]);
  });
});
