/** The stateful detector's interface, options and stats (implementation: detector.ts). */
import type { LogEvent } from '../../core/index.ts';
import type { Alert } from '../alert.ts';
import type { RuleSet } from '../ruleset.ts';

export interface DetectorOptions {
  ruleSet: RuleSet;
  /** how far behind the newest event time an event may arrive and still count (ms or "1m"); default 1m */
  allowedLateness?: number | string;
  /** bound on keys per rule and kind; the least recently applied key is evicted; default 10000 */
  maxKeysPerRule?: number;
  /** requests remembered (per rule) so that a request's later stages do not alert again; default 100000 */
  maxRequests?: number;
  /** a source trailing the newest by more than this (ms or "5m") stops holding windows back; default 5m */
  maxSourceSkew?: number | string;
  /** bound on hits waiting for the watermark: past it the oldest are applied early (counted); default 200000 */
  maxPending?: number;
}

export interface DetectorStats {
  /** event time up to which all windows are complete (null before the first event/tick) */
  watermark: number | null;
  maxEventTs: number | null;
  /** hits waiting for the watermark */
  pending: number;
  /** events that arrived behind their source's watermark and were not applied to window rules */
  lateDropped: number;
  /** matches of dedupe-only rules that arrived late and were still offered (alerted or deduplicated) */
  lateAccepted: number;
  /** hits applied before the watermark reached them because `maxPending` was reached */
  forcedApplied: number;
  /** matches not alerted because the rule already alerted on their request (another stage) */
  stageRepeats: number;
  /** requests remembered, and forgotten by the bound */
  requests: number;
  requestEvictions: number;
  /** sources (source + cluster) with their own watermark */
  sources: number;
  /** keys evicted by the bound, all rules */
  evictions: number;
  alerts: number;
  /** alerts suppressed by dedupe */
  suppressed: number;
  rules: Record<string, { keys: number; evictions: number }>;
}

export interface Detector {
  process(events: readonly LogEvent[]): Alert[];
  /** Server clock: advances the watermark to nowMs - allowedLateness (absence fires without events). */
  tick(nowMs: number): Alert[];
  /**
   * End of input: applies every pending hit and closes threshold/sequence/dedupe windows (the
   * watermark goes to +infinity); absence deadlines fire only up to `untilMs` (default: the
   * latest event time or tick seen), so keys still active at the end are not reported silent.
   * Later events are all late.
   */
  flush(untilMs?: number): Alert[];
  swapRules(ruleSet: RuleSet): void;
  snapshot(): unknown;
  restore(snapshot: unknown): void;
  stats(): DetectorStats;
}
