/**
 * Around one attempt of a query (query-runner's runOnce): a segment that cannot be read does not
 * fail the query. The failing file is identified (`segment-probe.ts`), quarantined
 * (`quarantine.ts`: out of the live snapshot), and the query runs again without it, a bounded
 * number of times; the answer then carries `stats.partial` and the missing ranges, as does every
 * later query overlapping a quarantined segment. A file that vanished because retention or
 * compaction retired it under a running query is simply retried once (the new snapshot lacks it).
 */
import { ArgusError, isArgusError } from '../../core/index.ts';
import type { QueryResult, SegmentInfo, StoreQuery } from '../types.ts';
import { abortError } from '../query-abort.ts';
import { firstLine, markPartial } from './quarantine.ts';
import { findDamaged } from './segment-probe.ts';
import { selectSegments } from './segment-select.ts';
import type { Snapshots } from './snapshots.ts';
import type { Tail } from './tail.ts';

/** attempts of one query (each after quarantining at least one segment or a retired file vanished) */
export const MAX_ATTEMPTS = 8;

export interface TolerantDeps {
  tail: Tail;
  snapshots: Snapshots;
  dataDir: string;
  /** takes a damaged segment out of the live set; without it a damaged segment fails the query */
  quarantine?: (seg: SegmentInfo, reason: string) => Promise<unknown>;
}

function isMissingFile(msg: string): boolean {
  return /No files found|Cannot open file|No such file/i.test(msg);
}

/** Quarantines the damaged segments among those `q` reads; false when none was found. */
async function quarantineDamaged(deps: TolerantDeps, q: StoreQuery, err: unknown): Promise<boolean> {
  const quarantine = deps.quarantine;
  if (!quarantine) return false;
  const candidates = selectSegments(deps.snapshots.current.segments, q);
  if (candidates.length === 0) return false;
  const con = await deps.tail.connect();
  let found;
  try {
    found = await findDamaged(con, deps.dataDir, candidates, err);
  } finally {
    con.closeSync();
  }
  for (const d of found) await quarantine(d.seg, d.reason);
  return found.length > 0;
}

export async function runTolerant(deps: TolerantDeps, q: StoreQuery, once: () => Promise<QueryResult>): Promise<QueryResult> {
  for (let attempt = 1; ; attempt++) {
    let r: QueryResult;
    try {
      r = await once();
    } catch (e) {
      // an aborted query fails with its reason, whatever DuckDB said ("INTERRUPT Error"): no probing
      if (q.signal?.aborted) throw abortError(q.signal);
      if (isArgusError(e)) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      const line = firstLine(e);
      const namesLive = deps.snapshots.current.segments.some((s) => line.includes(s.path));
      if (!namesLive && /Parser Error|Binder Error|Conversion Error/i.test(msg)) {
        throw new ArgusError('BAD_REQUEST', `Query failed: ${msg}`, undefined, { cause: e });
      }
      const failed = (): ArgusError => new ArgusError('STORE_IO', 'Query failed', undefined, { cause: e });
      if (attempt >= MAX_ATTEMPTS || /INTERRUPT|Out of Memory/i.test(line)) throw failed();
      // a file retention/compaction retired under this query: the current snapshot no longer lists it
      if (isMissingFile(line) && !namesLive) continue;
      if (!(await quarantineDamaged(deps, q, e))) throw failed();
      continue;
    }
    markPartial(r.stats, deps.snapshots.current.quarantined, q);
    return r;
  }
}
