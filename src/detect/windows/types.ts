/**
 * Shared shapes of the stateful detector. Everything held in state is plain JSON so that
 * `snapshot()` is a deep copy away from being written to disk.
 */
import type { Alert } from '../alert.ts';
import type { RuleInfo } from '../ruleset.ts';
import type { StatefulKey } from '../stateful.ts';

/** At most this many event ids / auditIDs are listed in one alert. */
export const MAX_IDS = 100;

/**
 * One match of a stateful rule, reduced to what the windows need (the event itself is not kept):
 * computed when the event arrives, applied in event-time order once the watermark passes it.
 */
export interface Hit {
  /** rule id */
  r: string;
  ts: number;
  ns: number;
  /** event id */
  id: string;
  /** auditID */
  aid?: string;
  /** the event's dedupKey */
  dk?: string;
  /** the request (requests.ts requestOf): one alert per request for rules without a window */
  rq?: string;
  title: string;
  labels: Record<string, string>;
  /** `by` values per stateful kind */
  keys: Partial<Record<StatefulKey, string[]>>;
  /** indexes of the sequence steps this event matches */
  steps?: number[];
}

export type Emit = (a: Alert) => void;

/** A keyed window of one rule (threshold, absence or sequence). */
export interface RuleWindow {
  rule: RuleInfo;
  readonly kind: 'threshold' | 'absence' | 'sequence';
  /** Applies one hit; hits arrive in (ts, tsNanos, id) order. */
  apply(h: Hit, emit: Emit): void;
  /** Event time has reached `t`: fire deadlines <= t, drop expired keys. */
  due(t: number, emit: Emit): void;
  readonly size: number;
  readonly evictions: number;
  dump(): unknown;
  load(state: unknown): void;
}
