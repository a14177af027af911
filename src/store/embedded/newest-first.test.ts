import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { SegmentInfo } from '../types.ts';
import type { Locator } from './late-read.ts';
import { cutFor, locateNewestFirst, newerFirst } from './newest-first.ts';
import type { TsWindow } from './newest-first.ts';

/** Random segments with overlapping ts ranges and ts ties; `locate` answers from memory. */
function world(seed: number) {
  let x = seed;
  const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const segs: SegmentInfo[] = [];
  const rowsOf = new Map<string, Locator[]>();
  const tail: Locator[] = [];
  for (let s = 0; s < 12; s++) {
    const lo = Math.floor(rnd() * 100);
    const n = 1 + Math.floor(rnd() * 8);
    const rows = Array.from({ length: n }, (_, i) => ({ file: `f${s}`, row: i, id: `id${Math.floor(rnd() * 50)}`, ts: lo + Math.floor(rnd() * 20) }));
    const path = `f${s}`;
    segs.push({ id: path, path, source: 'a', partition: 'p', minTs: Math.min(...rows.map((r) => r.ts)), maxTs: Math.max(...rows.map((r) => r.ts)), rows: n, bytes: 1, sha256: '', createdAt: 0 });
    rowsOf.set(path, rows.filter(() => rnd() < 0.6)); // the rows matching the filter
  }
  for (let i = 0; i < 3; i++) tail.push({ file: null, row: -1, id: `t${i}`, ts: Math.floor(rnd() * 120) });
  return { segs, rowsOf, tail };
}

describe('newest-first search over segments', () => {
  it('returns the same top n as one search over everything, for many layouts and limits', async () => {
    for (let seed = 1; seed < 60; seed++) {
      const { segs, rowsOf, tail } = world(seed);
      const all = [...tail, ...segs.flatMap((s) => rowsOf.get(s.path)!)].sort(newerFirst);
      for (const limit of [0, 1, 3, 10, 100]) {
        let calls = 0;
        const got = await locateNewestFirst(
          {} as DuckDBConnection,
          segs,
          limit,
          (batch, w) => ({ sql: JSON.stringify({ files: batch.map((s) => s.path), ...w }), params: [] }),
          async (_con, sql) => {
            calls++;
            const q = JSON.parse(sql) as { files: string[] } & TsWindow;
            const inWindow = (l: Locator): boolean => (q.from === undefined || l.ts >= q.from) && (q.to === undefined || l.ts < q.to);
            const rows = [...tail, ...q.files.flatMap((f) => rowsOf.get(f)!)].filter(inWindow);
            return rows.sort(newerFirst).slice(0, limit);
          },
          5,
          2,
        );
        const key = (l: Locator): string => `${l.ts}/${l.id}`;
        expect(got.map(key)).toEqual(all.slice(0, limit).map(key));
        if (limit === 0) expect(calls).toBe(0);
      }
    }
  });

  it('reads a big segment a time slice at a time, newest first', async () => {
    const seg: SegmentInfo = { id: 'big', path: 'big', source: 'a', partition: 'p', minTs: 0, maxTs: 999_999, rows: 1_000_000, bytes: 1, sha256: '', createdAt: 0 };
    expect(cutFor([seg], undefined, 250_000)).toBe(749_999); // [749 999, ∞) holds 250 001 rows
    expect(cutFor([seg], 750_000, 1_000_000)).toBeUndefined();
    const windows: TsWindow[] = [];
    const got = await locateNewestFirst(
      {} as DuckDBConnection,
      [seg],
      10,
      (_b, w) => (windows.push(w), { sql: '', params: [] }),
      async () => {
        const w = windows[windows.length - 1]!;
        // one match every 10 000 ms
        const out: Locator[] = [];
        for (let ts = Math.ceil((w.from ?? 0) / 10_000) * 10_000; ts < (w.to ?? 1_000_000); ts += 10_000) out.push({ file: 'big', row: ts, id: `i${ts}`, ts });
        return out.sort(newerFirst).slice(0, 10);
      },
      250_000,
      50_000,
    );
    expect(got.map((l) => l.ts)).toEqual([990_000, 980_000, 970_000, 960_000, 950_000, 940_000, 930_000, 920_000, 910_000, 900_000]);
    expect(windows).toEqual([{ from: 749_999, to: undefined }]);
  });
});
