/**
 * Retention planning (pure): which whole segments to drop by age (newest event older than
 * maxAge) and by size (oldest first while a total exceeds maxBytes), globally and per source.
 * A per-source maxAge replaces the global one for that source; byte limits all apply.
 */
import { parseDuration } from '../../core/index.ts';
import type { RetentionConfig } from '../../core/index.ts';
import type { SegmentInfo } from '../types.ts';

function oldestFirst(a: SegmentInfo, b: SegmentInfo): number {
  return a.maxTs - b.maxTs || a.minTs - b.minTs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function dropOverBytes(segs: SegmentInfo[], maxBytes: number, drop: Set<string>): void {
  let total = 0;
  for (const s of segs) if (!drop.has(s.id)) total += s.bytes;
  for (const s of [...segs].sort(oldestFirst)) {
    if (total <= maxBytes) break;
    if (drop.has(s.id)) continue;
    drop.add(s.id);
    total -= s.bytes;
  }
}

/** Ids of segments to delete under `cfg` at time `now`, oldest first. */
export function planRetention(segments: readonly SegmentInfo[], cfg: RetentionConfig, now: number): SegmentInfo[] {
  const drop = new Set<string>();
  const globalAge = cfg.maxAge !== undefined ? parseDuration(cfg.maxAge, 'retention.maxAge') : undefined;
  const bySource = new Map<string, SegmentInfo[]>();
  for (const s of segments) {
    const list = bySource.get(s.source) ?? [];
    list.push(s);
    bySource.set(s.source, list);
  }
  for (const [source, segs] of bySource) {
    const own = cfg.perSource[source];
    const age = own?.maxAge !== undefined ? parseDuration(own.maxAge, `retention.perSource.${source}.maxAge`) : globalAge;
    if (age !== undefined) for (const s of segs) if (s.maxTs < now - age) drop.add(s.id);
    if (own?.maxBytes !== undefined) dropOverBytes(segs, own.maxBytes, drop);
  }
  if (cfg.maxBytes !== undefined) dropOverBytes([...segments], cfg.maxBytes, drop);
  return segments.filter((s) => drop.has(s.id)).sort(oldestFirst);
}

/** Groups of >= 2 small segments in the same source + day partition, to merge. */
export function planCompaction(segments: readonly SegmentInfo[], belowRows: number): SegmentInfo[][] {
  const groups = new Map<string, SegmentInfo[]>();
  for (const s of segments) {
    if (s.rows >= belowRows) continue;
    const k = `${s.source}\u0000${s.partition}`;
    const g = groups.get(k) ?? [];
    g.push(s);
    groups.set(k, g);
  }
  const out: SegmentInfo[][] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    // keep merged segments bounded: split a partition's small segments into runs of < 2x belowRows
    let run: SegmentInfo[] = [];
    let rows = 0;
    for (const s of g.sort(oldestFirst)) {
      if (run.length > 0 && rows + s.rows > 2 * belowRows) {
        if (run.length > 1) out.push(run);
        run = [];
        rows = 0;
      }
      run.push(s);
      rows += s.rows;
    }
    if (run.length > 1) out.push(run);
  }
  return out;
}
