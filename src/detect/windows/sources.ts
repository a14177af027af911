/**
 * Event time per source: lateness is judged against the event's own source (`source` and
 * `cluster`: each cluster's audit stream is one source), so one busy cluster, or one batch that
 * arrives out of order, does not make another source's events late.
 *
 * Windows are applied in one global event-time order, so the frontier they are applied up to is
 * the slowest source's watermark (min over sources of `maxTs - lateness`), or the clock's. A source
 * trailing the newest one by more than `maxSkew` no longer holds the others back: its events are
 * then judged against the frontier (late when at or before it). Bounded: past `maxSources` the
 * source updated longest ago is forgotten.
 */
import type { LogEvent } from '../../core/index.ts';

export const DEFAULT_MAX_SOURCES = 1000;

export function sourceOf(ev: Pick<LogEvent, 'source' | 'cluster'>): string {
  return ev.cluster ? `${ev.source}\u0000${ev.cluster}` : ev.source;
}

export class SourceClocks {
  /** source -> max event ts, in order of last update */
  private readonly max = new Map<string, number>();
  /** the source of the previous event and its entry (events of one batch mostly share it) */
  private lastKey = '';
  private lastCluster: string | undefined = undefined;
  private lastSource = '';

  constructor(private readonly bound = DEFAULT_MAX_SOURCES) {}

  get size(): number {
    return this.max.size;
  }

  key(ev: Pick<LogEvent, 'source' | 'cluster'>): string {
    if (ev.source === this.lastSource && ev.cluster === this.lastCluster) return this.lastKey;
    this.lastSource = ev.source;
    this.lastCluster = ev.cluster;
    return (this.lastKey = sourceOf(ev));
  }

  /** the newest event time of a source (-inf when never seen) */
  of(k: string): number {
    return this.max.get(k) ?? Number.NEGATIVE_INFINITY;
  }

  see(k: string, ts: number): void {
    const m = this.max.get(k);
    if (m !== undefined && ts <= m) return;
    this.max.delete(k);
    this.max.set(k, ts);
    if (this.max.size > this.bound) this.max.delete(this.max.keys().next().value as string);
  }

  /** min over the sources within `maxSkew` of the newest one of their max ts (-inf when none) */
  slowest(newest: number, maxSkew: number): number {
    let m = Number.POSITIVE_INFINITY;
    for (const ts of this.max.values()) if (ts >= newest - maxSkew && ts < m) m = ts;
    return Number.isFinite(m) ? m : Number.NEGATIVE_INFINITY;
  }

  dump(): [string, number][] {
    return [...this.max.entries()];
  }

  load(entries: unknown): void {
    this.max.clear();
    this.lastSource = '';
    this.lastCluster = undefined;
    this.lastKey = '';
    if (!Array.isArray(entries)) return;
    for (const e of entries) if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') this.see(e[0], e[1]);
  }
}
