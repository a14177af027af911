/** Building alerts of stateful rules: identity (`alertKey`), labels, bounded id lists. */
import { createHash } from 'node:crypto';
import type { Alert } from '../alert.ts';
import type { RuleInfo } from '../ruleset.ts';
import type { Hit } from './types.ts';
import { MAX_IDS } from './types.ts';

/** A short stable digest of a by-key (the readable values are in the alert's labels). */
export function keyDigest(values: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 16);
}

/** `<ruleId>:<kind letter>:<digest of by-key>:<window start ms>`; the same events give the same key. */
export function alertKeyOf(ruleId: string, kind: string, values: readonly string[], start: number): string {
  return `${ruleId}:${kind}:${keyDigest(values)}:${start}`;
}

export function pushBounded(list: string[], v: string | undefined): void {
  if (v !== undefined && v !== '' && list.length < MAX_IDS && !list.includes(v)) list.push(v);
}

export interface Evidence {
  count: number;
  firstTs: number;
  lastTs: number;
  ids: readonly string[];
  aids: readonly string[];
}

/** An alert of a keyed window: title and labels from the hit that completed it, plus the by values. */
export function windowAlert(rule: RuleInfo, kind: string, by: readonly string[], values: readonly string[], start: number, h: Hit, ev: Evidence): Alert {
  const labels = { ...h.labels };
  by.forEach((f, i) => {
    if (labels[f] === undefined) labels[f] = values[i] ?? '';
  });
  const a: Alert = {
    rule: rule.name,
    ruleId: rule.id,
    severity: rule.severity,
    title: h.title,
    auditIds: [...new Set(ev.aids)].slice(0, MAX_IDS),
    eventIds: ev.ids.slice(0, MAX_IDS),
    count: ev.count,
    firstTs: ev.firstTs,
    lastTs: ev.lastTs,
    labels,
    alertKey: alertKeyOf(rule.id, kind, values, start),
  };
  if (rule.author !== undefined) a.author = rule.author;
  return a;
}

/** The alert of a stateless match (one per event), from its hit. */
export function hitAlert(rule: RuleInfo, h: Hit): Alert {
  const a: Alert = {
    rule: rule.name,
    ruleId: rule.id,
    severity: rule.severity,
    title: h.title,
    auditIds: h.aid ? [h.aid] : [],
    eventIds: [h.id],
    count: 1,
    firstTs: h.ts,
    lastTs: h.ts,
    labels: h.labels,
    alertKey: `${rule.id}:e:${h.dk ?? h.id}`,
  };
  if (rule.author !== undefined) a.author = rule.author;
  return a;
}
