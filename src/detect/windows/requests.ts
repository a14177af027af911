/**
 * One alert per request: a Kubernetes request is logged once per stage (RequestReceived,
 * ResponseStarted, ResponseComplete, Panic: exec, attach, port-forward and watch have several),
 * all with one auditID. The detector remembers, per rule, the requests it already alerted on, so a
 * later (or earlier, out of order) stage of the same request gives no second alert, however far
 * apart the stages are in event time: an hour-long exec is still one request. The memory is an
 * LRU keyed by (rule, source, cluster, auditID), bounded; evictions are counted.
 */
import type { LogEvent } from '../../core/index.ts';

/** The request an event belongs to (`source\0cluster\0auditID`), or undefined (events without an auditID). */
export function requestOf(ev: Pick<LogEvent, 'auditId' | 'source' | 'cluster'>): string | undefined {
  const a = ev.auditId;
  if (a === undefined || a === '') return undefined;
  return `${ev.source}\u0000${ev.cluster ?? ''}\u0000${a}`;
}

export const DEFAULT_MAX_REQUESTS = 100_000;
/** requests kept in a snapshot: the most recently seen (older ones rarely get another stage) */
export const SNAPSHOT_REQUESTS = 20_000;

export class RequestMemory {
  private readonly seen = new Map<string, true>();
  evictions = 0;
  /** matches not alerted because their request was already alerted on by the rule */
  repeats = 0;

  constructor(private readonly max = DEFAULT_MAX_REQUESTS) {}

  get size(): number {
    return this.seen.size;
  }

  /** True the first time (rule, request) is offered; false (counted as a repeat) afterwards. */
  first(ruleId: string, request: string | undefined): boolean {
    if (request === undefined) return true;
    const k = `${ruleId}\u0000${request}`;
    if (this.seen.has(k)) {
      this.seen.delete(k);
      this.seen.set(k, true);
      this.repeats++;
      return false;
    }
    this.seen.set(k, true);
    if (this.seen.size > this.max) {
      this.seen.delete(this.seen.keys().next().value as string);
      this.evictions++;
    }
    return true;
  }

  /** Forgets the rules that are gone or changed (hot reload). */
  retain(keep: (ruleId: string) => boolean): void {
    for (const k of this.seen.keys()) if (!keep(k.slice(0, k.indexOf('\u0000')))) this.seen.delete(k);
  }

  /** The newest `limit` requests (the snapshot is written every few seconds: it stays small). */
  dump(limit = SNAPSHOT_REQUESTS): { keys: string[]; evictions: number; repeats: number } {
    const keys = [...this.seen.keys()];
    return { keys: keys.length > limit ? keys.slice(keys.length - limit) : keys, evictions: this.evictions, repeats: this.repeats };
  }

  load(s: unknown): void {
    const o = s as { keys?: unknown; evictions?: unknown; repeats?: unknown } | undefined;
    this.seen.clear();
    if (Array.isArray(o?.keys)) for (const k of o.keys) if (typeof k === 'string') this.seen.set(k, true);
    while (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value as string);
    this.evictions = typeof o?.evictions === 'number' ? o.evictions : 0;
    this.repeats = typeof o?.repeats === 'number' ? o.repeats : 0;
  }
}
