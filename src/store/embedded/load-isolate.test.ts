import { describe, expect, it } from 'vitest';
import { isIoError, loadIsolating } from './load-isolate.ts';

/** A fake all-or-nothing loader over `n` lines: ranges holding a bad line fail; records what it loaded. */
function loader(bad: Set<number>, ioAt?: number) {
  const loaded: number[] = [];
  let calls = 0;
  const load = async (lo: number, hi: number): Promise<void> => {
    calls++;
    if (ioAt !== undefined && calls === ioAt) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    for (let i = lo; i < hi; i++) if (bad.has(i)) throw new Error(`Invalid Input Error: bad line ${i}`);
    for (let i = lo; i < hi; i++) loaded.push(i);
  };
  return { load, loaded, calls: () => calls };
}

describe('loadIsolating', () => {
  it('loads every good line exactly once and reports each bad one, in a bounded number of loads', async () => {
    const bad = new Set([0, 5, 6, 999]);
    const l = loader(bad);
    const r = await loadIsolating(1000, new Error('Invalid Input Error: batch'), l.load);
    expect(r.bad.map((b) => b.index)).toEqual([0, 5, 6, 999]);
    expect(r.unloaded).toEqual([]);
    expect(l.loaded.sort((a, b) => a - b)).toEqual([...Array(1000).keys()].filter((i) => !bad.has(i)));
    expect(r.attempts).toBeLessThanOrEqual(4 * 2 * Math.ceil(Math.log2(1000)) + 2);
  });

  it('stops at an I/O failure and reports every line not loaded yet as unloaded, none as bad', async () => {
    const l = loader(new Set([3]), 3);
    const r = await loadIsolating(8, new Error('Conversion Error: x'), l.load);
    expect(r.ioError).toBeDefined();
    expect(r.bad.every((b) => b.index === 3)).toBe(true);
    expect([...l.loaded, ...r.unloaded, ...r.bad.map((b) => b.index)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('does not bisect a batch that failed for an I/O reason', async () => {
    const l = loader(new Set());
    const r = await loadIsolating(5, Object.assign(new Error('EIO'), { code: 'EIO' }), l.load);
    expect(l.calls()).toBe(0);
    expect(r.unloaded).toEqual([0, 1, 2, 3, 4]);
  });

  it('tells machine failures from data errors', () => {
    expect(isIoError(new Error('IO Error: Could not write file "x": No space left on device'))).toBe(true);
    expect(isIoError(new Error('Out of Memory Error: failed to allocate'))).toBe(true);
    expect(isIoError(new Error('Invalid Input Error: Malformed JSON in file "x", at byte 3 in line 2: no low surrogate in string.'))).toBe(false);
    expect(isIoError(new RangeError('Invalid time value'))).toBe(false);
  });
});
