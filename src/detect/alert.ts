/**
 * The alert record built from matches. A stateless rule gives one alert per match; stateful
 * kinds (threshold, dedupe) fold several matches into one alert (see detector.ts).
 */
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
}

/** Labels that route and group alerts: the rule, its priority and tags, and where the event came from. */
export function alertLabels(m: Match): Record<string, string> {
  const e = m.event;
  const labels: Record<string, string> = { rule: m.rule, ruleId: m.ruleId, priority: m.priority, source: e.source };
  if (m.tags.length > 0) labels['tags'] = m.tags.join(',');
  const copy = ['cluster', 'node', 'namespace', 'pod', 'container', 'user', 'objectNamespace'] as const;
  for (const k of copy) {
    const v = e[k];
    if (typeof v === 'string' && v !== '') labels[k] = v;
  }
  return labels;
}

export function alertFromMatch(m: Match): Alert {
  const e = m.event;
  return {
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
  };
}
