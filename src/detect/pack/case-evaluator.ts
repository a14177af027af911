/**
 * Evaluates one test case's events on a fresh state, through the same detector the server runs
 * (`createDetector`): stateless rules alert per match, stateful rules (threshold, dedupe,
 * absence, sequence) through their event-time windows. At the end the detector is flushed up
 * to the case's `until` time, so absence windows that expired by then fire.
 */
import type { LogEvent } from '../../core/index.ts';
import type { Alert, RuleSet } from '../index.ts';
import { createDetector } from '../index.ts';

export interface CaseAlert {
  ruleId: string;
  title: string;
  count: number;
  firstTs: number;
  lastTs: number;
}

export interface CaseEvaluator {
  push(ev: LogEvent): CaseAlert[];
  /** runs event time up to `ts` (absence windows close) and returns what is left */
  finish(ts: number): CaseAlert[];
}

function toCase(a: Alert): CaseAlert {
  return { ruleId: a.ruleId, title: a.title, count: a.count, firstTs: a.firstTs, lastTs: a.lastTs };
}

/** A fresh detector over `rs`; events are applied as they come (no lateness allowance). */
export function createCaseEvaluator(rs: RuleSet): CaseEvaluator {
  const det = createDetector({ ruleSet: rs, allowedLateness: 0 });
  return {
    push: (ev) => det.process([ev]).map(toCase),
    finish: (ts) => det.flush(ts).map(toCase),
  };
}
