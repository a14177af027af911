import { describe, expect, it } from 'vitest';
import type { Agg, QueryPlan } from '../core/index.ts';
import { MAX_FILLED_ROWS, fetchLimit, fillTimechart, finishTable } from './timechart-fill.ts';

const ns = { kind: 'column', name: 'namespace' } as const;
const plan = (by: boolean, aggs: Agg[] = [{ fn: 'count', as: 'count' }]): QueryPlan => ({
  filter: { op: 'true' },
  stages: [{ op: 'timechart', spanMs: 60_000, aggs, ...(by ? { by: ns } : {}) }],
});
const M = 60_000;

describe('fillTimechart', () => {
  it('fills every bucket of the range for every series, counts 0, in time then series order', () => {
    const t = { columns: ['time', 'namespace', 'count'], rows: [[M, 'web', 3], [3 * M, 'payments', 1], [3 * M, null, 2]] };
    expect(fillTimechart(plan(true), t, 0, 4 * M).rows).toEqual([
      [0, 'payments', 0], [0, 'web', 0], [0, null, 0],
      [M, 'payments', 0], [M, 'web', 3], [M, null, 0],
      [2 * M, 'payments', 0], [2 * M, 'web', 0], [2 * M, null, 0],
      [3 * M, 'payments', 1], [3 * M, 'web', 0], [3 * M, null, 2],
    ]);
  });

  it('without a range fills between the first and last bucket; min/max/avg of an empty bucket are null', () => {
    const t = { columns: ['time', 'count', 'avg(code)'], rows: [[M, 2, 200], [4 * M, 1, 500]] };
    const p = plan(false, [{ fn: 'count', as: 'count' }, { fn: 'avg', as: 'avg(code)' }]);
    expect(fillTimechart(p, t).rows).toEqual([[M, 2, 200], [2 * M, 0, null], [3 * M, 0, null], [4 * M, 1, 500]]);
  });

  it('leaves other results, off-grid rows and oversized fills untouched', () => {
    const stats: QueryPlan = { filter: { op: 'true' }, stages: [{ op: 'stats', aggs: [{ fn: 'count', as: 'count' }], by: [] }] };
    const t = { columns: ['count'], rows: [[5]] };
    expect(fillTimechart(stats, t)).toBe(t);
    const offGrid = { columns: ['time', 'count'], rows: [[M + 5, 1]] };
    expect(fillTimechart(plan(false), offGrid, 0, 3 * M)).toBe(offGrid);
    const huge = { columns: ['time', 'count'], rows: [[0, 1]] };
    expect(fillTimechart(plan(false), huge, 0, (MAX_FILLED_ROWS + 1) * M)).toBe(huge);
    const empty = { columns: ['time', 'count'], rows: [] };
    expect(fillTimechart(plan(false), empty, 0, 3 * M).rows).toEqual([[0, 0], [M, 0], [2 * M, 0]]);
  });

  it('fills only a complete result, then applies the limit', () => {
    const p = plan(false);
    expect(fetchLimit(p, 3)).toBe(4);
    // complete (3 rows fetched with limit 3 + 1): filled to 5 buckets, cut to 3
    const complete = { columns: ['time', 'count'], rows: [[0, 1], [2 * M, 1], [4 * M, 1]] };
    expect(finishTable(p, complete, 3).rows).toEqual([[0, 1], [M, 0], [2 * M, 1]]);
    // truncated (4 rows fetched): a missing bucket may be data cut by the limit: not filled
    const truncated = { columns: ['time', 'count'], rows: [[0, 1], [2 * M, 1], [4 * M, 1], [5 * M, 1]] };
    expect(finishTable(p, truncated, 3, 0, 10 * M).rows).toEqual([[0, 1], [2 * M, 1], [4 * M, 1]]);
  });
});
