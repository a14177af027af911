/** Which segments a query needs: time overlap (manifest min/max) and top-level source equality. */
import type { Filter } from '../../core/index.ts';
import type { SegmentInfo, StoreQuery } from '../types.ts';

/** Lowercased sources the filter requires (top-level AND of equalities), or undefined when any may match. */
export function requiredSources(f: Filter): Set<string> | undefined {
  const isSource = (x: { field: { kind: string; name?: string } }): boolean => x.field.kind === 'column' && x.field.name === 'source';
  switch (f.op) {
    case 'match':
      return isSource(f) && !f.wildcard ? new Set([f.value.toLowerCase()]) : undefined;
    case 'cmp':
      return isSource(f) && f.cmp === '=' ? new Set([String(f.value).toLowerCase()]) : undefined;
    case 'in':
      return isSource(f) ? new Set(f.values.map((v) => v.toLowerCase())) : undefined;
    case 'and': {
      let out: Set<string> | undefined;
      for (const a of f.args) {
        const s = requiredSources(a);
        if (s) out = out ? new Set([...out].filter((x) => s.has(x))) : s;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** The entries of `all` (segments, quarantine records) a query over `q` reads: overlapping [from, to) and of a required source. */
export function selectSegments<T extends Pick<SegmentInfo, 'source' | 'minTs' | 'maxTs'>>(all: readonly T[], q: Pick<StoreQuery, 'plan' | 'from' | 'to'>): T[] {
  const sources = requiredSources(q.plan.filter);
  return all.filter(
    (s) =>
      (q.from === undefined || s.maxTs >= q.from) &&
      (q.to === undefined || s.minTs < q.to) &&
      (sources === undefined || sources.has(s.source.toLowerCase())),
  );
}
