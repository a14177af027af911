import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEvent, QueryPlan } from '../../core/index.ts';
import type { EmbeddedStore } from './store.ts';
import { auditEvent } from './test-events.ts';
import { openStore, tempDir } from './test-helpers.ts';

const ALL: QueryPlan = { filter: { op: 'true' }, stages: [] };
const derived = (e: LogEvent): string => `k8s_audit:${e.cluster ?? ''}:${e.auditId}:${e.stage}`;

/** Events covering each dedupKey form: derived (with and without cluster), absent, other, `~`-prefixed. */
function sample(): LogEvent[] {
  const out: LogEvent[] = [];
  for (let i = 0; i < 30; i++) {
    const e = auditEvent(i, { ts: Date.UTC(2026, 0, 15, 10, 0, 0) + (i % 10) * 1000 });
    if (i % 6 === 0) out.push({ ...e, dedupKey: derived(e) });
    else if (i % 6 === 1) out.push({ ...e, cluster: undefined, dedupKey: `k8s_audit::${e.auditId}:${e.stage}` });
    else if (i % 6 === 2) out.push({ ...e, dedupKey: undefined });
    else if (i % 6 === 3) out.push({ ...e, dedupKey: i === 3 ? '~' : `~${i}` });
    else if (i % 6 === 4) out.push({ ...e, dedupKey: i === 4 ? '~~' : `${derived(e)}x` });
    else out.push({ ...e, stage: undefined, dedupKey: `k8s_audit:${e.cluster}:${e.auditId}:` });
  }
  return out.map((e) => JSON.parse(JSON.stringify(e)) as LogEvent);
}

async function all(store: EmbeddedStore, plan: QueryPlan = ALL): Promise<LogEvent[]> {
  const r = await store.query({ plan, limit: 1000 });
  if (r.kind !== 'events') throw new Error('expected events');
  return r.events;
}

const byId = (es: LogEvent[]): LogEvent[] => [...es].sort((a, b) => a.id.localeCompare(b.id));

describe('stored column encoding and late materialization', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await store?.stop();
    cleanup();
  });

  it('stores derivable dedupKeys as a marker and returns identical events from segments, compaction and restart', async () => {
    store = openStore(dir, { compactBelowRows: 1000 });
    await store.start();
    const events = sample();
    await store.append(events.slice(0, 15));
    await store.flush();
    await store.append(events.slice(15));
    const fromTail = await all(store);
    expect(byId(fromTail)).toEqual(byId(events));
    await store.flush();
    expect(byId(await all(store))).toEqual(byId(events));
    // the derived keys are not in the files
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const stored = (await con.runAndReadAll(`SELECT "dedupKey" FROM read_parquet('${join(dir, 'segments')}/*/*/*.parquet')`)).getRowsJS().map((r) => r[0]);
    con.closeSync();
    expect(stored.filter((k) => k === '~')).toHaveLength(10);
    expect(stored).toContain('~~~');
    expect(stored.some((k) => typeof k === 'string' && k.startsWith('k8s_audit:prod-eu-1:') && !k.endsWith('x') && !k.endsWith(':'))).toBe(false);
    await store.compact();
    expect(byId(await all(store))).toEqual(byId(events));
    await store.stop();
    store = openStore(dir);
    await store.start();
    expect(byId(await all(store))).toEqual(byId(events));
    // the dedup keys rebuilt from segments are the original ones
    const again = await store.append(events.filter((e) => e.dedupKey !== undefined).map((e) => ({ ...e, id: `${e.id}-2` })));
    expect(again).toMatchObject({ accepted: 0, duplicates: 25 });
    const byKey = await all(store, { filter: { op: 'match', field: { kind: 'column', name: 'dedupKey' }, value: derived(events[0]!), wildcard: false }, stages: [] });
    expect(byKey.map((e) => e.id)).toEqual([events[0]!.id]);
  });

  it('returns the same rows in the same order as a one-phase read, over tail and segments', async () => {
    store = openStore(dir);
    await store.start();
    const events = sample().map((e, i) => (i % 4 === 0 ? { ...e, source: 'my.src/é x' } : e));
    await store.append(events.slice(0, 12));
    await store.flush();
    await store.append(events.slice(12, 20));
    await store.flush();
    await store.append(events.slice(20));
    const expected = [...events].sort((a, b) => b.ts - a.ts || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0));
    expect(await all(store)).toEqual(expected);
    const head = await store.query({ plan: ALL, limit: 7 });
    expect(head.kind === 'events' && head.events).toEqual(expected.slice(0, 7));
    const sorted = await all(store, { filter: { op: 'true' }, stages: [{ op: 'sort', keys: [{ field: { kind: 'column', name: 'objectName' }, desc: false }] }, { op: 'head', n: 9 }] });
    const bySort = [...events].sort((a, b) => (a.objectName! < b.objectName! ? -1 : a.objectName! > b.objectName! ? 1 : b.ts - a.ts || (b.id < a.id ? -1 : 1)));
    expect(sorted).toEqual(bySort.slice(0, 9));
    const where = await all(store, { filter: { op: 'match', field: { kind: 'column', name: 'verb' }, value: 'GET', wildcard: false }, stages: [{ op: 'where', filter: { op: 'exists', field: { kind: 'column', name: 'dedupKey' } } }] });
    expect(where).toEqual(expected.filter((e) => e.verb === 'get' && e.dedupKey));
  });
});
