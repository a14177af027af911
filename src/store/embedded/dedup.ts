/**
 * Idempotency keys: a key seen within the window (stored, or in flight in a batch not yet durable)
 * makes an event a duplicate. Checked before the WAL. Keys are kept in insertion order, so expiry
 * walks from the oldest; the map is bounded (oldest keys are evicted and counted past `maxKeys`).
 */
import type { LogEvent } from '../../core/index.ts';

export interface Claim {
  fresh: LogEvent[];
  duplicates: number;
  /** keys claimed by this batch (commit or release them) */
  keys: string[];
}

const IN_FLIGHT = Number.MAX_SAFE_INTEGER;

export class DedupIndex {
  /** key -> when it was stored; IN_FLIGHT while its batch is not yet durable */
  private readonly seen = new Map<string, number>();
  evicted = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 5_000_000,
  ) {}

  get size(): number {
    return this.seen.size;
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
      const at = this.seen.get(k);
      if (at !== undefined && at >= now - this.windowMs) {
        duplicates++;
        continue;
      }
      // an expired key is re-inserted at the end so expiry order stays insertion order
      if (at !== undefined) this.seen.delete(k);
      this.seen.set(k, IN_FLIGHT);
      keys.push(k);
      fresh.push(e);
    }
    return { fresh, duplicates, keys };
  }

  /** The batch holding `keys` is durable: remember them. */
  commit(keys: readonly string[], at: number): void {
    for (const k of keys) this.seen.set(k, at);
    this.bound();
  }

  /** The batch failed: forget its reservations so a retry can store it. */
  release(keys: readonly string[]): void {
    for (const k of keys) if (this.seen.get(k) === IN_FLIGHT) this.seen.delete(k);
  }

  remember(key: string, at: number): void {
    const prev = this.seen.get(key);
    if (prev !== undefined) {
      if (prev >= at) return;
      this.seen.delete(key);
    }
    this.seen.set(key, at);
    this.bound();
  }

  private bound(): void {
    while (this.seen.size > this.maxKeys) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
      this.evicted++;
    }
  }

  /** Drops keys older than the window (stops at the first key still inside it). */
  prune(now: number): number {
    let n = 0;
    for (const [k, at] of this.seen) {
      if (at >= now - this.windowMs) break; // also stops at in-flight keys
      this.seen.delete(k);
      n++;
    }
    return n;
  }
}
