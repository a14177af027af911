/**
 * What a query sees: the live segment list plus the tail rows above `flushedWal`, published
 * atomically. Readers pin a generation; work that would break an older reader (deleting tail
 * rows now in segments, deleting retired segment files) is deferred until those readers finish.
 */
import type { SegmentInfo } from '../types.ts';
import type { QuarantinedSegment } from './manifest.ts';

export interface Snapshot {
  gen: number;
  segments: readonly SegmentInfo[];
  /** tail rows from WAL files <= this are in `segments` */
  flushedWal: number;
  /** segments that could not be read: a query overlapping one is partial */
  quarantined: readonly QuarantinedSegment[];
}

interface Deferred {
  /** runs once no reader holds a generation below this */
  gen: number;
  fn: () => void;
}

export class Snapshots {
  private cur: Snapshot;
  private readonly readers = new Map<number, number>();
  private deferred: Deferred[] = [];

  constructor(segments: SegmentInfo[], flushedWal: number, quarantined: readonly QuarantinedSegment[] = []) {
    this.cur = { gen: 1, segments, flushedWal, quarantined };
  }

  get current(): Snapshot {
    return this.cur;
  }

  /** Pins the current snapshot; call `release` exactly once when done. */
  acquire(): { snap: Snapshot; release: () => void } {
    const snap = this.cur;
    this.readers.set(snap.gen, (this.readers.get(snap.gen) ?? 0) + 1);
    let done = false;
    return {
      snap,
      release: () => {
        if (done) return;
        done = true;
        const n = (this.readers.get(snap.gen) ?? 1) - 1;
        if (n <= 0) this.readers.delete(snap.gen);
        else this.readers.set(snap.gen, n);
        this.runDeferred();
      },
    };
  }

  /** Publishes a new snapshot; `afterOldReaders` runs once readers of older snapshots are gone. */
  publish(segments: SegmentInfo[], flushedWal: number, afterOldReaders?: () => void): void {
    this.cur = { gen: this.cur.gen + 1, segments, flushedWal, quarantined: this.cur.quarantined };
    if (afterOldReaders) this.deferred.push({ gen: this.cur.gen, fn: afterOldReaders });
    this.runDeferred();
  }

  /** Publishes the live set without segment `q.id` and with `q` among the quarantined. */
  quarantine(q: QuarantinedSegment): void {
    const c = this.cur;
    this.cur = { gen: c.gen + 1, segments: c.segments.filter((s) => s.id !== q.id), flushedWal: c.flushedWal, quarantined: [...c.quarantined, q] };
  }

  /** Forgets quarantine records (retention passed them). */
  forgetQuarantined(ids: ReadonlySet<string>): void {
    const c = this.cur;
    this.cur = { ...c, gen: c.gen + 1, quarantined: c.quarantined.filter((q) => !ids.has(q.id)) };
  }

  activeReaders(): number {
    let n = 0;
    for (const c of this.readers.values()) n += c;
    return n;
  }

  private runDeferred(): void {
    let oldest = Infinity;
    for (const g of this.readers.keys()) oldest = Math.min(oldest, g);
    const ready = this.deferred.filter((d) => d.gen <= oldest);
    if (ready.length === 0) return;
    this.deferred = this.deferred.filter((d) => d.gen > oldest);
    for (const d of ready) d.fn();
  }
}
