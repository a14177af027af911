/** The detector's snapshot: plain JSON (non-finite times as null), versioned. */
import { ArgusError } from '../../core/index.ts';
import type { Hit } from './types.ts';

export interface RuleSnapshot {
  id: string;
  fp: string;
  win?: unknown;
  dedupe?: unknown;
}

export interface DetectorSnapshot {
  v: 1;
  allowedLateness: number;
  maxEventTs: number | null;
  /** the frontier windows were applied up to; per-source max event times; remembered requests */
  applied?: number | null;
  sources?: [string, number][];
  requests?: unknown;
  clockWatermark: number | null;
  lastNow: number | null;
  flushed: boolean;
  counters: { lateDropped: number; lateAccepted?: number; forcedApplied?: number; alerts: number; suppressed: number; retiredEvictions: number };
  pending: Hit[];
  rules: RuleSnapshot[];
}

export const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
export const orMinus = (x: number | null | undefined): number => (typeof x === 'number' ? x : Number.NEGATIVE_INFINITY);

export function checkSnapshot(s: unknown): DetectorSnapshot {
  const o = s as Partial<DetectorSnapshot> | null;
  if (!o || typeof o !== 'object' || o.v !== 1 || !Array.isArray(o.pending) || !Array.isArray(o.rules) || typeof o.counters !== 'object') {
    throw new ArgusError('BAD_REQUEST', 'detector snapshot: not a version 1 snapshot');
  }
  return structuredClone(o as DetectorSnapshot);
}
