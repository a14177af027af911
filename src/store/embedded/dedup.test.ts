import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../core/index.ts';
import { DedupIndex } from './dedup.ts';

const ev = (k: string): LogEvent => ({ id: k, ts: 0, receivedAt: 0, source: 't', severityNumber: 0, message: '', attrs: {}, dedupKey: k });

/** The same semantics with a plain Map, as the reference model. */
class Model {
  seen = new Map<string, number>();
  constructor(private windowMs: number, private maxKeys: number) {}
  claim(keys: string[], now: number): string[] {
    const fresh: string[] = [];
    for (const k of keys) {
      const at = this.seen.get(k);
      if (at !== undefined && at >= now - this.windowMs) continue;
      if (at !== undefined) this.seen.delete(k);
      this.seen.set(k, Number.MAX_SAFE_INTEGER);
      fresh.push(k);
    }
    return fresh;
  }
  commit(keys: string[], at: number): void {
    for (const k of keys) this.seen.set(k, at);
    while (this.seen.size > this.maxKeys) this.seen.delete(this.seen.keys().next().value as string);
  }
  release(keys: string[]): void {
    for (const k of keys) if (this.seen.get(k) === Number.MAX_SAFE_INTEGER) this.seen.delete(k);
  }
  prune(now: number): void {
    for (const [k, at] of this.seen) {
      if (at >= now - this.windowMs) break;
      this.seen.delete(k);
    }
  }
}

describe('DedupIndex', () => {
  it('agrees with a Map model over random claims, commits, releases, expiry and eviction', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const idx = new DedupIndex(1000, 3000);
    const model = new Model(1000, 3000);
    let now = 0;
    for (let step = 0; step < 3000; step++) {
      now += rnd(5);
      const keys = Array.from({ length: 1 + rnd(20) }, () => `k8s_audit:c:${rnd(5000)}:ResponseComplete`);
      const uniq = [...new Set(keys)];
      const claim = idx.claim(uniq.map(ev), now);
      const fresh = model.claim(uniq, now);
      expect(claim.keys).toEqual(fresh);
      expect(claim.duplicates).toBe(uniq.length - fresh.length);
      if (rnd(10) === 0) {
        idx.release(claim.keys);
        model.release(fresh);
      } else {
        idx.commit(claim.keys, now);
        model.commit(fresh, now);
      }
      if (rnd(50) === 0) {
        idx.prune(now);
        model.prune(now);
      }
      expect(idx.size).toBe(model.seen.size);
    }
    expect(idx.evicted).toBeGreaterThan(0);
  });

  it('keeps millions of keys without losing any', () => {
    const idx = new DedupIndex(86_400_000);
    const n = 300_000;
    const batch = Array.from({ length: n }, (_, i) => ev(`k8s_audit:prod:${i}-aaaa-bbbb:ResponseComplete`));
    const c = idx.claim(batch, 1);
    idx.commit(c.keys, 1);
    expect(idx.size).toBe(n);
    expect(idx.claim(batch, 2).duplicates).toBe(n);
  });
});
