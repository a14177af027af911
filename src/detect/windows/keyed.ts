/**
 * Per-rule keyed state with a bound: a Map kept in least-recently-applied order (hits are applied
 * in event-time order, so the first entry is also the one touched longest ago in event time).
 * Past `max` keys the oldest is evicted and counted.
 */
import type { RuleInfo } from '../ruleset.ts';

export class Keyed<T> {
  readonly map = new Map<string, T>();
  evictions = 0;
  private readonly max: number;

  constructor(max: number) {
    this.max = Math.max(1, max);
  }

  get size(): number {
    return this.map.size;
  }

  get(k: string): T | undefined {
    return this.map.get(k);
  }

  /** Stores `v` as the most recently used entry, evicting the oldest past the bound. */
  put(k: string, v: T): void {
    this.map.delete(k);
    this.map.set(k, v);
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.evictions++;
    }
  }

  delete(k: string): void {
    this.map.delete(k);
  }

  /** The least recently used entry. */
  first(): [string, T] | undefined {
    const it = this.map.entries().next();
    return it.done ? undefined : it.value;
  }

  dump(): { entries: [string, T][]; evictions: number } {
    return { entries: [...this.map.entries()], evictions: this.evictions };
  }

  load(state: unknown): void {
    const s = state as { entries?: [string, T][]; evictions?: number } | undefined;
    this.map.clear();
    this.evictions = s?.evictions ?? 0;
    for (const [k, v] of s?.entries ?? []) this.put(k, v);
  }
}

/** What every keyed window and filter of one rule shares: its rule, spec, bounded keys, next deadline. */
export abstract class KeyedRuleState<S, T> {
  rule: RuleInfo;
  protected readonly spec: S;
  protected readonly keys: Keyed<T>;
  /** a lower bound of the earliest deadline (the first key's; first keys only get later) */
  protected next = Number.NEGATIVE_INFINITY;

  constructor(rule: RuleInfo, spec: S, maxKeys: number) {
    this.rule = rule;
    this.spec = spec;
    this.keys = new Keyed(maxKeys);
  }

  get size(): number {
    return this.keys.size;
  }

  get evictions(): number {
    return this.keys.evictions;
  }
}
