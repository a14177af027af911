/**
 * Builds k8s_audit LogEvents from raw audit Event JSON, for tests and benchmarks of the rule
 * engine (the production decoder lives in src/sources/k8s-audit/). attrs = the event as is;
 * ts from stageTimestamp (else timestamp); the promoted columns filled from the event.
 */
import type { LogEvent } from '../core/index.ts';
import { parseRfc3339Nanos } from '../core/index.ts';

let seq = 0;

function s(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function auditLogEvent(ev: Record<string, unknown>): LogEvent {
  const at = parseRfc3339Nanos(s(ev['stageTimestamp']) ?? s(ev['timestamp']) ?? '') ?? { ts: 0, tsNanos: 0 };
  const user = (ev['user'] ?? {}) as Record<string, unknown>;
  const ref = (ev['objectRef'] ?? {}) as Record<string, unknown>;
  const status = (ev['responseStatus'] ?? {}) as Record<string, unknown>;
  const ann = (ev['annotations'] ?? {}) as Record<string, unknown>;
  const ips = Array.isArray(ev['sourceIPs']) ? (ev['sourceIPs'] as unknown[]) : [];
  const out: LogEvent = {
    id: `fixture-${String(++seq).padStart(8, '0')}`,
    ts: at.ts,
    tsNanos: at.tsNanos,
    receivedAt: at.ts,
    source: 'k8s_audit',
    severityNumber: 9,
    message: `${s(ev['verb']) ?? ''} ${s(ev['requestURI']) ?? ''}`.trim(),
    attrs: ev,
  };
  const set = <K extends keyof LogEvent>(k: K, v: LogEvent[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('user', s(user['username']));
  set('groups', Array.isArray(user['groups']) ? (user['groups'] as unknown[]).map(String) : undefined);
  set('verb', s(ev['verb']));
  set('resource', s(ref['resource']));
  set('subresource', s(ref['subresource']));
  set('apiGroup', s(ref['apiGroup']));
  set('objectNamespace', s(ref['namespace']));
  set('namespace', s(ref['namespace']));
  set('objectName', s(ref['name']));
  set('code', typeof status['code'] === 'number' ? status['code'] : undefined);
  set('sourceIp', s(ips[0]));
  set('userAgent', s(ev['userAgent']));
  set('stage', s(ev['stage']));
  set('auditId', s(ev['auditID']));
  set('decision', s(ann['authorization.k8s.io/decision']));
  set('reason', s(ann['authorization.k8s.io/reason']));
  return out;
}

/**
 * NDJSON (one event per line, blank lines skipped), as the k8saudit plugin reads files. Lines
 * that are not a `kind: Event` / `EventList` are skipped (Falco: "data not recognized as a k8s
 * audit event"); an EventList yields its items.
 */
export function auditEventsFromNdjson(text: string): LogEvent[] {
  const out: LogEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue;
    }
    const items = Array.isArray(v) ? v : [v];
    for (const it of items) {
      const o = it as Record<string, unknown>;
      if (o?.['kind'] === 'Event') out.push(auditLogEvent(o));
      else if (o?.['kind'] === 'EventList' && Array.isArray(o['items'])) {
        for (const x of o['items'] as Record<string, unknown>[]) out.push(auditLogEvent(x));
      }
    }
  }
  return out;
}
