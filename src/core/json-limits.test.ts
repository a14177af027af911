import { describe, expect, it } from 'vitest';
import { exceedsDepth, MAX_TS_MS, tooDeepField, tsInRange } from './json-limits.ts';

/** `{d:{d:...{d:leaf}}}` with `n` objects, built without recursion */
function chain(n: number, leaf: unknown = 1, array = false): unknown {
  let v = leaf;
  for (let i = 0; i < n; i++) v = array ? [v] : { d: v };
  return v;
}

describe('exceedsDepth', () => {
  it('counts objects and arrays as levels and is exact at the cap', () => {
    expect(exceedsDepth(1, 0)).toBe(false);
    expect(exceedsDepth({}, 1)).toBe(false);
    expect(exceedsDepth({}, 0)).toBe(true);
    expect(exceedsDepth({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(exceedsDepth({ a: [1, { b: 2 }] }, 2)).toBe(true);
    expect(exceedsDepth(chain(512), 512)).toBe(false);
    expect(exceedsDepth(chain(513), 512)).toBe(true);
  });

  it('finds a deep branch among wide shallow ones', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) wide[`k${i}`] = { x: [i] };
    wide.deep = chain(600);
    expect(exceedsDepth(wide, 512)).toBe(true);
    delete wide.deep;
    expect(exceedsDepth(wide, 512)).toBe(false);
  });

  it('handles 1,000,000 levels of objects and of arrays without overflowing the stack (iterative)', () => {
    expect(exceedsDepth(chain(1_000_000), 512)).toBe(true);
    expect(exceedsDepth(chain(1_000_000, 1, true), 512)).toBe(true);
    // and walks all of it when the cap is above the depth
    expect(exceedsDepth(chain(1_000_000), 1_000_000)).toBe(false);
  });
});

describe('tooDeepField', () => {
  it('names the top-level field that takes the event beyond the cap (the event is level 1)', () => {
    expect(tooDeepField({ a: 1, attrs: chain(511) }, 512)).toBeUndefined();
    expect(tooDeepField({ a: 1, attrs: chain(512) }, 512)).toBe('attrs');
    expect(tooDeepField({ requestObject: chain(100_000) }, 512)).toBe('requestObject');
  });
});

describe('tsInRange', () => {
  it('keeps event times within 1970 .. 9999 (ms)', () => {
    expect(tsInRange(0)).toBe(true);
    expect(tsInRange(Date.UTC(2026, 0, 1))).toBe(true);
    expect(tsInRange(MAX_TS_MS)).toBe(true);
    expect(new Date(MAX_TS_MS).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    for (const bad of [-1, MAX_TS_MS + 1, 1.2e32, Infinity, -Infinity, NaN]) expect(tsInRange(bad)).toBe(false);
  });
});
