/**
 * The alert record built from matches. A stateless rule gives one alert per match; stateful
 * kinds fold several matches into one alert (see windows/detector.ts). `alertToLogEvent` turns
 * an alert into the `source: alert` event the server stores.
 */
import type { LogEventInput, SourceOwnership } from '../core/index.ts';
import { priorityName } from './priority.ts';
import type { Match } from './ruleset.ts';

export interface Alert {
  /** rule name */
  rule: string;
  ruleId: string;
  /** OpenTelemetry severity number */
  severity: number;
  title: string;
  /** Kubernetes auditIDs of the events behind the alert (deduplicated) */
  auditIds: string[];
  eventIds: string[];
  count: number;
  firstTs: number;
  lastTs: number;
  labels: Record<string, string>;
  /**
   * Deterministic identity: rule id + by-key + window start (stateless: + the event's dedupKey or
   * id). Replaying the same events reproduces the same key, so a stored alert is not stored twice.
   */
  alertKey: string;
  /** the rule's `author`, when it has one */
  author?: string;
  /** dedupe: how many repeats of this alert the window suppressed */
  suppressed?: number;
  /**
   * absence: the last event seen from the key before it went silent. It is not evidence of the
   * alert (the alert is about what did NOT come), so `auditIds`/`eventIds` of an absence alert are empty.
   */
  lastSeen?: { ts: number; eventId: string; auditId?: string };
}

const COPY = ['cluster', 'node', 'namespace', 'pod', 'container', 'user', 'objectNamespace'] as const;
/** tags joined once per rule (the tags array of a RuleInfo is shared by its matches) */
const joinedTags = new WeakMap<readonly string[], string>();

/** Labels that route and group alerts: the rule, its priority and tags, and where the event came from. */
export function alertLabels(m: Match): Record<string, string> {
  const e = m.event;
  const labels: Record<string, string> = { rule: m.rule, ruleId: m.ruleId, priority: m.priority, source: e.source };
  if (m.tags.length > 0) {
    let t = joinedTags.get(m.tags);
    if (t === undefined) joinedTags.set(m.tags, (t = m.tags.join(',')));
    labels['tags'] = t;
  }
  for (let i = 0; i < COPY.length; i++) {
    const k = COPY[i]!;
    const v = e[k];
    if (typeof v === 'string' && v !== '') labels[k] = v;
  }
  return labels;
}

export function alertFromMatch(m: Match): Alert {
  const e = m.event;
  const a: Alert = {
    rule: m.rule,
    ruleId: m.ruleId,
    severity: m.severity,
    title: m.title,
    auditIds: e.auditId ? [e.auditId] : [],
    eventIds: [e.id],
    count: 1,
    firstTs: e.ts,
    lastTs: e.ts,
    labels: alertLabels(m),
    alertKey: `${m.ruleId}:e:${e.dedupKey ?? e.id}`,
  };
  if (m.author !== undefined) a.author = m.author;
  return a;
}

/** What detection writes: alert events, keyed `alert:<alertKey>`; no other receiver may. */
export const ALERT_OWNERSHIP: SourceOwnership = { sources: ['alert'], keyPrefixes: ['alert:'] };

/** The alert's severity as its rule's priority name (`CRITICAL`, `NOTICE`...). */
export function alertPriority(a: Alert): string {
  return a.labels['priority'] ?? priorityName(a.severity);
}

/** The alert as the event the server stores (`source: alert`, `dedupKey: alert:<alertKey>`). */
export function alertToLogEvent(a: Alert): LogEventInput {
  const attrs: Record<string, unknown> = {
    rule: a.rule,
    ruleId: a.ruleId,
    severity: a.severity,
    count: a.count,
    firstTs: a.firstTs,
    lastTs: a.lastTs,
    eventIds: a.eventIds,
    auditIds: a.auditIds,
    labels: a.labels,
    alertKey: a.alertKey,
  };
  if (a.author !== undefined) attrs['author'] = a.author;
  if (a.suppressed !== undefined) attrs['suppressed'] = a.suppressed;
  if (a.lastSeen !== undefined) attrs['lastSeen'] = a.lastSeen;
  const ev: LogEventInput = {
    ts: a.lastTs,
    source: 'alert',
    severityNumber: a.severity,
    // the rule's priority (CRITICAL, NOTICE...), the one severity vocabulary of alerts everywhere
    severityText: alertPriority(a),
    message: a.title,
    attrs,
    dedupKey: `alert:${a.alertKey}`,
  };
  for (const k of ['namespace', 'user', 'cluster'] as const) {
    const v = a.labels[k];
    if (v !== undefined && v !== '') ev[k] = v;
  }
  return ev;
}
