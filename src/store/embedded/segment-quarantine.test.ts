/** Issue 15 item 10: a damaged or missing segment is quarantined; queries answer from the rest, marked partial. */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryPlan } from '../../core/index.ts';
import type { QueryResult } from '../types.ts';
import type { EmbeddedStore } from './store.ts';
import { auditEvent } from './test-events.ts';
import { captureLogger, openStore, tempDir } from './test-helpers.ts';

const ALL: QueryPlan = { filter: { op: 'true' }, stages: [] };
const SORTED: QueryPlan = { filter: { op: 'true' }, stages: [{ op: 'sort', keys: [{ field: { kind: 'column', name: 'ts' }, desc: false }] }] };
const COUNT_BY_VERB: QueryPlan = {
  filter: { op: 'true' },
  stages: [{ op: 'stats', aggs: [{ fn: 'count', as: 'n' }], by: [{ kind: 'column', name: 'verb' }] }],
};
const BATCH = 300;

interface Built {
  store: EmbeddedStore;
  /** relative path of the segment of batch k */
  paths: string[];
  /** ids of batch k */
  ids: string[][];
  /** ts range of batch k */
  ranges: { minTs: number; maxTs: number }[];
}

function segmentFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(join(dir, 'segments'));
  return out;
}

/** A store with three segments of BATCH events each, in disjoint time ranges (batch k at k*10 s). */
async function build(dir: string, store: EmbeddedStore): Promise<Built> {
  await store.start();
  const b: Built = { store, paths: [], ids: [], ranges: [] };
  for (let k = 0; k < 3; k++) {
    const before = new Set(segmentFiles(dir));
    const evs = Array.from({ length: BATCH }, (_, i) => auditEvent(k * 1000 + i));
    await store.append(evs);
    await store.flush();
    const added = segmentFiles(dir).filter((p) => !before.has(p));
    expect(added).toHaveLength(1);
    b.paths.push(added[0]!);
    b.ids.push(evs.map((e) => e.id));
    b.ranges.push({ minTs: evs[0]!.ts, maxTs: evs[evs.length - 1]!.ts });
  }
  return b;
}

/** Flips 64 bytes of a segment file: in the middle (column data) or in the footer (metadata). */
function damage(dir: string, path: string, where: 'middle' | 'footer'): void {
  const file = join(dir, path);
  const buf = readFileSync(file);
  const at = where === 'middle' ? Math.floor(buf.length / 2) : buf.length - 200;
  for (let i = 0; i < 64; i++) buf[at + i]! ^= 0xa5;
  writeFileSync(file, buf);
}

function eventIds(r: QueryResult): string[] {
  if (r.kind !== 'events') throw new Error('expected events');
  return r.events.map((e) => e.id).sort();
}

function countOf(r: QueryResult): number {
  if (r.kind !== 'table') throw new Error('expected a table');
  return r.rows.reduce((n: number, row) => n + Number(row[row.length - 1]), 0);
}

function expectPartial(r: QueryResult, b: Built, k: number): void {
  expect(r.stats.partial).toBe(true);
  expect(r.stats.missing).toEqual([{ source: 'k8s_audit', ...b.ranges[k]!, rows: BATCH }]);
}

const others = (b: Built, k: number): string[] => b.ids.filter((_, i) => i !== k).flat().sort();

function manifestLines(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('damaged and missing segments', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore | undefined;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
  });
  afterEach(async () => {
    await store?.stop();
    cleanup();
  });

  const firsts = { 'a newest-first * search': ALL, 'a sorted * search': SORTED, 'a stats query': COUNT_BY_VERB } as const;
  for (const where of ['middle', 'footer'] as const) {
    for (const [name, first] of Object.entries(firsts)) {
      it(`bytes flipped in the ${where}: ${name} quarantines it, and every query answers from the rest, partial`, async () => {
        const cap = captureLogger();
        store = openStore(dir, {}, { logger: cap.logger });
        const b = await build(dir, store);
        damage(dir, b.paths[1]!, where);
        const firstResult = await store.query({ plan: first, limit: 10_000 });
        // the stats query may not touch the damaged column chunk (middle): then nothing is lost for it
        const hit = existsSync(join(dir, 'quarantine', b.paths[1]!));
        if (first !== COUNT_BY_VERB || where === 'footer') expect(hit).toBe(true);
        if (hit) {
          // the query that hit the damage answers from the rest, and says so
          expectPartial(firstResult, b, 1);
          if (firstResult.kind === 'events') expect(eventIds(firstResult)).toEqual(others(b, 1));
          else expect(countOf(firstResult)).toBe(2 * BATCH);
        } else {
          expect(countOf(firstResult)).toBe(3 * BATCH);
          expect(firstResult.stats.partial).toBeUndefined();
          await store.query({ plan: ALL, limit: 10_000 });
        }
        expect(existsSync(join(dir, 'quarantine', b.paths[1]!))).toBe(true);
        expect(existsSync(join(dir, b.paths[1]!))).toBe(false);

        const all = await store.query({ plan: ALL, limit: 10_000 });
        expect(eventIds(all)).toEqual(others(b, 1));
        expectPartial(all, b, 1);
        const sorted = await store.query({ plan: SORTED, limit: 10_000 });
        expect(eventIds(sorted)).toEqual(others(b, 1));
        expectPartial(sorted, b, 1);
        const stats = await store.query({ plan: COUNT_BY_VERB, limit: 10_000 });
        expect(countOf(stats)).toBe(2 * BATCH);
        expectPartial(stats, b, 1);
        // a range that does not overlap the lost segment is complete
        const clean = await store.query({ plan: ALL, limit: 10_000, from: b.ranges[2]!.minTs });
        expect(eventIds(clean)).toEqual([...b.ids[2]!].sort());
        expect(clean.stats.partial).toBeUndefined();

        const st = await store.stats();
        expect(st.quarantinedSegments).toBe(1);
        expect(st.quarantinedRows).toBe(BATCH);
        expect(st.segments).toBe(2);
        const q = manifestLines(dir).filter((l) => l.op === 'quarantine');
        expect(q).toHaveLength(1);
        expect(q[0]).toMatchObject({ path: b.paths[1], movedTo: `quarantine/${b.paths[1]!}`, rows: BATCH });
        expect(String(q[0]!.reason).length).toBeGreaterThan(0);
        const logged = cap.lines.filter((l) => l.level === 50 && /Quarantined/.test(l.msg));
        expect(logged).toHaveLength(1);
        expect(logged[0]).toMatchObject({ path: b.paths[1] });

        // a restart does not bring it back, and keeps reporting the loss
        await store.stop();
        store = openStore(dir);
        await store.start();
        const again = await store.query({ plan: ALL, limit: 10_000 });
        expect(eventIds(again)).toEqual(others(b, 1));
        expectPartial(again, b, 1);
        expect((await store.stats()).quarantinedSegments).toBe(1);
        expect(existsSync(join(dir, 'quarantine', b.paths[1]!))).toBe(true);
      });
    }
  }

  it('a segment damaged while stopped: start succeeds (the dedup rebuild quarantines it) and queries are partial', async () => {
    store = openStore(dir);
    const b = await build(dir, store);
    await store.stop();
    damage(dir, b.paths[0]!, 'footer');
    const cap = captureLogger();
    store = openStore(dir, {}, { logger: cap.logger });
    await store.start();
    expect(cap.lines.some((l) => l.level === 50 && (l as { path?: string }).path === b.paths[0])).toBe(true);
    const all = await store.query({ plan: ALL, limit: 10_000 });
    expect(eventIds(all)).toEqual(others(b, 0));
    expectPartial(all, b, 0);
    // keys of the readable segments were still rebuilt: their events are duplicates
    const dup = await store.append([auditEvent(2000)]);
    expect(dup).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('a deleted segment file: start succeeds naming the file, queries answer partial, a second restart keeps it out', async () => {
    store = openStore(dir);
    const b = await build(dir, store);
    await store.stop();
    rmSync(join(dir, b.paths[2]!));
    const cap = captureLogger();
    store = openStore(dir, {}, { logger: cap.logger });
    await store.start();
    const named = cap.lines.filter((l) => l.level >= 50 && (l as { path?: string }).path === b.paths[2]);
    expect(named).toHaveLength(1);
    expect(named[0]!.msg).toMatch(/Quarantined/);
    const all = await store.query({ plan: ALL, limit: 10_000 });
    expect(eventIds(all)).toEqual(others(b, 2));
    expectPartial(all, b, 2);
    const stats = await store.query({ plan: COUNT_BY_VERB, limit: 10_000 });
    expect(countOf(stats)).toBe(2 * BATCH);
    expectPartial(stats, b, 2);
    expect((await store.stats()).quarantinedSegments).toBe(1);
    expect(manifestLines(dir).filter((l) => l.op === 'quarantine')).toMatchObject([{ path: b.paths[2], reason: expect.stringMatching(/missing/) }]);
    await store.stop();
    const cap2 = captureLogger();
    store = openStore(dir, {}, { logger: cap2.logger });
    await store.start();
    expect(cap2.lines.filter((l) => l.level >= 50)).toEqual([]);
    expectPartial(await store.query({ plan: ALL, limit: 10_000 }), b, 2);
  });

  it('a crash after moving a segment aside but before its manifest line: the next start records where it went', async () => {
    store = openStore(dir);
    const b = await build(dir, store);
    await store.stop();
    const to = join(dir, 'quarantine', b.paths[1]!);
    mkdirSync(dirname(to), { recursive: true });
    renameSync(join(dir, b.paths[1]!), to);
    store = openStore(dir);
    await store.start();
    expect(manifestLines(dir).filter((l) => l.op === 'quarantine')).toMatchObject([{ path: b.paths[1], movedTo: `quarantine/${b.paths[1]!}` }]);
    expectPartial(await store.query({ plan: ALL, limit: 10_000 }), b, 1);
  });

  it('concurrent queries hitting one damaged segment all answer partial; it is quarantined once', async () => {
    store = openStore(dir);
    const b = await build(dir, store);
    damage(dir, b.paths[1]!, 'middle');
    const s = store;
    const rs = await Promise.all([ALL, SORTED, ALL, SORTED].map((plan) => s.query({ plan, limit: 10_000 })));
    for (const r of rs) {
      expect(eventIds(r)).toEqual(others(b, 1));
      expectPartial(r, b, 1);
    }
    expect(manifestLines(dir).filter((l) => l.op === 'quarantine')).toHaveLength(1);
  });

  it('a segment file deleted while running is quarantined by the query that misses it', async () => {
    store = openStore(dir);
    const b = await build(dir, store);
    rmSync(join(dir, b.paths[0]!));
    const all = await store.query({ plan: ALL, limit: 10_000 });
    expect(eventIds(all)).toEqual(others(b, 0));
    expectPartial(all, b, 0);
    expect((await store.stats()).quarantinedSegments).toBe(1);
  });

  it('compaction skips a damaged input: it is quarantined and the rest merge on the next run', async () => {
    store = openStore(dir, { compactBelowRows: 10_000 });
    const b = await build(dir, store);
    damage(dir, b.paths[1]!, 'middle');
    await store.compact();
    expect((await store.stats()).quarantinedSegments).toBe(1);
    expect(await store.compact()).toEqual({ merged: 2, created: 1 });
    const all = await store.query({ plan: ALL, limit: 10_000 });
    expect(eventIds(all)).toEqual(others(b, 1));
    expectPartial(all, b, 1);
  });

  it('retention forgets a quarantined segment once its data would have expired', async () => {
    store = openStore(dir, { retention: { maxAge: '1d', perSource: {} } });
    const b = await build(dir, store);
    rmSync(join(dir, b.paths[0]!));
    expectPartial(await store.query({ plan: ALL, limit: 10_000 }), b, 0);
    // events are from 2026-01-15: a year later all of it has expired
    await store.applyRetention(Date.UTC(2027, 0, 15));
    expect((await store.stats()).quarantinedSegments).toBe(0);
    const r = await store.query({ plan: ALL, limit: 10_000 });
    expect(r.stats.partial).toBeUndefined();
  });

  it('retention by size forgets a quarantined segment older than a segment it drops', async () => {
    store = openStore(dir);
    const b = await build(dir, store);
    rmSync(join(dir, b.paths[0]!));
    expectPartial(await store.query({ plan: ALL, limit: 10_000 }), b, 0);
    await store.stop();
    // room for one segment only: batch 1 goes, so the older quarantined batch 0 no longer matters
    const oneSegment = readFileSync(join(dir, b.paths[2]!)).length;
    store = openStore(dir, { retention: { maxBytes: oneSegment, perSource: {} } });
    await store.start();
    expect(await store.applyRetention()).toMatchObject({ deletedSegments: 1 });
    expect((await store.stats()).quarantinedSegments).toBe(0);
    const r = await store.query({ plan: ALL, limit: 10_000 });
    expect(eventIds(r)).toEqual([...b.ids[2]!].sort());
    expect(r.stats.partial).toBeUndefined();
  });
});
