import { describe, expect, it } from 'vitest';
import { idTime, newId } from './ids.ts';

describe('newId', () => {
  it('makes ULIDs that sort in creation order, carry their time, and have random parts', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => newId(1_700_000_000_000 + Math.floor(i / 10)));
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(idTime(ids[0]!)).toBe(1_700_000_000_000);
    expect(idTime(ids[4999]!)).toBe(1_700_000_000_499);
    // the first random character of each new millisecond: spread over the whole alphabet
    const firsts = new Set(ids.filter((_, i) => i % 10 === 0).map((id) => id[10]));
    expect(firsts.size).toBeGreaterThanOrEqual(30);
  });
});
