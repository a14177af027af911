import { describe, expect, it } from 'vitest';
import type { QueryResult, SegmentInfo, StoreQuery } from '../types.ts';
import { Snapshots } from './snapshots.ts';
import type { Tail } from './tail.ts';
import { MAX_ATTEMPTS, runTolerant } from './tolerant-query.ts';

const seg = (id: string): SegmentInfo => ({
  id, path: `segments/source=a/day=2026-01-01/${id}.parquet`, source: 'a', partition: '2026-01-01',
  minTs: 0, maxTs: 10, rows: 5, bytes: 10, sha256: 'x', createdAt: 0,
});
const Q: StoreQuery = { plan: { filter: { op: 'true' }, stages: [] }, limit: 10 };
const OK: QueryResult = { kind: 'table', columns: [], rows: [], stats: { elapsedMs: 0, segmentsScanned: 0, segmentsPruned: 0, tailRows: 0 } };
const noTail = {} as Tail; // the paths under test never open a connection

function deps(snapshots: Snapshots, quarantined: string[]) {
  return { tail: noTail, snapshots, dataDir: '/d', quarantine: async (s: SegmentInfo) => void quarantined.push(s.id) };
}

describe('runTolerant', () => {
  it('retries a query whose file retention/compaction retired meanwhile, without quarantining anything', async () => {
    const snaps = new Snapshots([seg('s1'), seg('s2')], 0);
    const quarantined: string[] = [];
    let calls = 0;
    const r = await runTolerant(deps(snaps, quarantined), Q, async () => {
      if (calls++ > 0) return structuredClone(OK);
      snaps.publish([seg('s2')], 0); // s1 retired
      throw new Error(`IO Error: No files found that match the pattern "/d/${seg('s1').path}"`);
    });
    expect(calls).toBe(2);
    expect(quarantined).toEqual([]);
    expect(r.stats.partial).toBeUndefined();
  });

  it('gives up after a bounded number of attempts', async () => {
    const snaps = new Snapshots([seg('s2')], 0);
    let calls = 0;
    await expect(
      runTolerant(deps(snaps, []), Q, async () => {
        calls++;
        throw new Error(`IO Error: No files found that match the pattern "/d/${seg('gone').path}"`);
      }),
    ).rejects.toMatchObject({ code: 'STORE_IO' });
    expect(calls).toBe(MAX_ATTEMPTS);
  });

  it('maps a binder error to BAD_REQUEST and an interrupt to STORE_IO without probing segments', async () => {
    const snaps = new Snapshots([seg('s1')], 0);
    const quarantined: string[] = [];
    await expect(runTolerant(deps(snaps, quarantined), Q, () => Promise.reject(new Error('Binder Error: no such column')))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(runTolerant(deps(snaps, quarantined), Q, () => Promise.reject(new Error('INTERRUPT Error: Interrupted!')))).rejects.toMatchObject({ code: 'STORE_IO' });
    expect(quarantined).toEqual([]);
  });

  it('marks an answer partial when a quarantined segment overlaps its range and source', async () => {
    const snaps = new Snapshots([], 0, [{ ...seg('q1'), reason: 'x', at: 0 }]);
    const r = await runTolerant(deps(snaps, []), Q, async () => structuredClone(OK));
    expect(r.stats).toMatchObject({ partial: true, missing: [{ source: 'a', minTs: 0, maxTs: 10, rows: 5 }] });
    const later = await runTolerant(deps(snaps, []), { ...Q, from: 11 }, async () => structuredClone(OK));
    expect(later.stats.partial).toBeUndefined();
    const other: StoreQuery = { ...Q, plan: { filter: { op: 'match', field: { kind: 'column', name: 'source' }, value: 'b', wildcard: false }, stages: [] } };
    expect((await runTolerant(deps(snaps, []), other, async () => structuredClone(OK))).stats.partial).toBeUndefined();
  });
});
