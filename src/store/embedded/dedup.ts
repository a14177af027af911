/**
 * Idempotency keys: a key seen within the window (stored, or in flight in a batch not yet durable)
 * makes an event a duplicate. Checked before the WAL. Keys are kept in insertion order, so expiry
 * walks from the oldest; the index is bounded (oldest keys are evicted and counted past `maxKeys`).
 *
 * Millions of keys live here, so they are not kept as strings: each key is a 64-bit hash (two
 * independent 32-bit hashes) in typed arrays — a ring of entries in insertion order plus an
 * open-addressing table — which keeps them out of the garbage collector's way (a Map of 5M key
 * strings made major GCs dominate ingest at 10M events). Two different keys are taken for the
 * same one with probability about n²/2^65 (≈ 7e-7 at 5M keys).
 */
import type { LogEvent } from '../../core/index.ts';

export interface Claim {
  fresh: LogEvent[];
  duplicates: number;
  /** keys claimed by this batch (commit or release them) */
  keys: string[];
}

const IN_FLIGHT = Number.MAX_SAFE_INTEGER;
const EMPTY = 0;
const TOMBSTONE = -1;

function hash1(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function hash2(s: string): number {
  let h = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 13;
  }
  h = Math.imul(h ^ (h >>> 15), 0x27d4eb2d);
  return (h ^ (h >>> 16)) >>> 0;
}

export class DedupIndex {
  // the ring of entries, in insertion order; entry e lives at position e & ringMask
  private h1 = new Uint32Array(1 << 16);
  private h2 = new Uint32Array(1 << 16);
  /** when the key was stored; IN_FLIGHT while its batch is not durable; NaN when deleted */
  private at = new Float64Array(1 << 16);
  private ringMask = (1 << 16) - 1;
  private head = 0;
  private tail = 0;
  private live = 0;
  // open addressing: slot -> ring position + 1, EMPTY or TOMBSTONE
  private table = new Int32Array(1 << 17);
  private tableMask = (1 << 17) - 1;
  private used = 0;
  evicted = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 5_000_000,
  ) {}

  get size(): number {
    return this.live;
  }

  /** The ring position of a live key, or -1. */
  private find(a: number, b: number): number {
    let i = a & this.tableMask;
    for (;;) {
      const v = this.table[i]!;
      if (v === EMPTY) return -1;
      if (v > 0) {
        const p = v - 1;
        if (this.h1[p] === a && this.h2[p] === b) return p;
      }
      i = (i + 1) & this.tableMask;
    }
  }

  private unlink(p: number): void {
    let i = this.h1[p]! & this.tableMask;
    while (this.table[i] !== p + 1) i = (i + 1) & this.tableMask;
    this.table[i] = TOMBSTONE;
    this.at[p] = NaN;
    this.live--;
  }

  private insert(a: number, b: number, at: number): void {
    if (this.tail - this.head > this.ringMask) this.growRing();
    if ((this.used + 1) * 10 > (this.tableMask + 1) * 7) this.rebuildTable();
    const p = this.tail & this.ringMask;
    this.tail++;
    this.h1[p] = a;
    this.h2[p] = b;
    this.at[p] = at;
    this.live++;
    let i = a & this.tableMask;
    while (this.table[i]! > 0) i = (i + 1) & this.tableMask;
    if (this.table[i] === EMPTY) this.used++;
    this.table[i] = p + 1;
  }

  private growRing(): void {
    const size = (this.ringMask + 1) * 2;
    const h1 = new Uint32Array(size);
    const h2 = new Uint32Array(size);
    const at = new Float64Array(size);
    let n = 0;
    for (let e = this.head; e < this.tail; e++) {
      const p = e & this.ringMask;
      if (Number.isNaN(this.at[p]!)) continue;
      h1[n] = this.h1[p]!;
      h2[n] = this.h2[p]!;
      at[n] = this.at[p]!;
      n++;
    }
    this.h1 = h1;
    this.h2 = h2;
    this.at = at;
    this.ringMask = size - 1;
    this.head = 0;
    this.tail = n;
    this.rebuildTable();
  }

  /** Re-lays the table without tombstones, doubling it while it would be over half full. */
  private rebuildTable(): void {
    let size = this.tableMask + 1;
    while (this.live * 2 + 2 > size) size *= 2;
    this.table = new Int32Array(size);
    this.tableMask = size - 1;
    this.used = 0;
    for (let e = this.head; e < this.tail; e++) {
      const p = e & this.ringMask;
      if (Number.isNaN(this.at[p]!)) continue;
      let i = this.h1[p]! & this.tableMask;
      while (this.table[i] !== EMPTY) i = (i + 1) & this.tableMask;
      this.table[i] = p + 1;
      this.used++;
    }
  }

  /** Advances the head over deleted entries. */
  private skipDead(): void {
    while (this.head < this.tail && Number.isNaN(this.at[this.head & this.ringMask]!)) this.head++;
  }

  /** Splits a batch into fresh events and duplicates, and reserves the fresh events' keys. */
  claim(events: readonly LogEvent[], now: number): Claim {
    const fresh: LogEvent[] = [];
    const keys: string[] = [];
    let duplicates = 0;
    for (const e of events) {
      const k = e.dedupKey;
      if (k === undefined || k === '') {
        fresh.push(e);
        continue;
      }
      const a = hash1(k);
      const b = hash2(k);
      const p = this.find(a, b);
      if (p >= 0 && this.at[p]! >= now - this.windowMs) {
        duplicates++;
        continue;
      }
      // an expired key is re-inserted at the end so expiry order stays insertion order
      if (p >= 0) this.unlink(p);
      this.insert(a, b, IN_FLIGHT);
      keys.push(k);
      fresh.push(e);
    }
    return { fresh, duplicates, keys };
  }

  /** The batch holding `keys` is durable: remember them. */
  commit(keys: readonly string[], at: number): void {
    for (const k of keys) {
      const a = hash1(k);
      const b = hash2(k);
      const p = this.find(a, b);
      if (p >= 0) this.at[p] = at;
      else this.insert(a, b, at);
    }
    this.bound();
  }

  /** The batch failed: forget its reservations so a retry can store it. */
  release(keys: readonly string[]): void {
    for (const k of keys) {
      const p = this.find(hash1(k), hash2(k));
      if (p >= 0 && this.at[p] === IN_FLIGHT) this.unlink(p);
    }
    this.skipDead();
  }

  remember(key: string, at: number): void {
    const a = hash1(key);
    const b = hash2(key);
    const p = this.find(a, b);
    if (p >= 0) {
      if (this.at[p]! >= at) return;
      this.unlink(p);
    }
    this.insert(a, b, at);
    this.bound();
  }

  private bound(): void {
    while (this.live > this.maxKeys) {
      this.skipDead();
      this.unlink(this.head & this.ringMask);
      this.evicted++;
    }
    this.skipDead();
  }

  /** Drops keys older than the window (stops at the first key still inside it). */
  prune(now: number): number {
    let n = 0;
    this.skipDead();
    while (this.head < this.tail) {
      const p = this.head & this.ringMask;
      if (this.at[p]! >= now - this.windowMs) break; // also stops at in-flight keys
      this.unlink(p);
      n++;
      this.skipDead();
    }
    return n;
  }
}
