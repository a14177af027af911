/**
 * Turns a test case's event specs into LogEvents the way ingest would: audit events go through
 * the production normalizer (sources/k8s-audit: validation, redaction, promoted columns),
 * container and journald events get the fields their decoders set. Shorthands for audit:
 * `user: alice` (username, groups system:authenticated), `code: 401`, `ip: 1.2.3.4`.
 */
import type { LogEvent, LogEventInput } from '../../core/index.ts';
import { finalizeEvent, severityFromSyslog, severityFromText } from '../../core/index.ts';
import { auditEventToLogEvent } from '../../sources/k8s-audit/index.ts';
import type { EventSpec, RuleTestCase } from './test-file.ts';

export const TEST_CLUSTER = 'test';
export const TEST_NODE = 'worker-1';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function iso(ts: number): string {
  return new Date(ts).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function uuidFor(n: number): string {
  const h = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-a000-${h.slice(-12)}`;
}

function requestUri(ref: Record<string, unknown> | undefined): string {
  if (!ref) return '/';
  const group = str(ref['apiGroup']);
  const base = group ? `/apis/${group}/${str(ref['apiVersion'])?.split('/').pop() ?? 'v1'}` : '/api/v1';
  const ns = str(ref['namespace']) ? `/namespaces/${String(ref['namespace'])}` : '';
  const name = str(ref['name']) ? `/${String(ref['name'])}` : '';
  const sub = str(ref['subresource']) ? `/${String(ref['subresource'])}` : '';
  return `${base}${ns}/${str(ref['resource']) ?? ''}${name}${sub}`;
}

/** A full audit.k8s.io/v1 Event from a partial one (explicit fields always win). */
export function auditFromSpec(spec: Record<string, unknown>, ts: number, n: number): Record<string, unknown> {
  const { user, code, ip, ...rest } = spec;
  const ev: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: spec['requestObject'] !== undefined ? 'Request' : 'Metadata',
    auditID: uuidFor(n),
    stage: 'ResponseComplete',
    verb: 'get',
    sourceIPs: [typeof ip === 'string' ? ip : '10.0.0.10'],
    userAgent: 'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819',
    responseStatus: { metadata: {}, code: typeof code === 'number' ? code : 200 },
    requestReceivedTimestamp: iso(ts),
    stageTimestamp: iso(ts),
    annotations: { 'authorization.k8s.io/decision': typeof code === 'number' && code === 403 ? 'forbid' : 'allow' },
    ...rest,
  };
  if (typeof user === 'string') ev['user'] = { username: user, groups: ['system:authenticated'] };
  else if (user !== undefined) ev['user'] = user;
  else if (ev['user'] === undefined) ev['user'] = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
  if (ev['requestURI'] === undefined) ev['requestURI'] = requestUri(ev['objectRef'] as Record<string, unknown> | undefined);
  return ev;
}

function containerFromSpec(spec: Record<string, unknown>, ts: number): LogEventInput {
  const severity = str(spec['severity']) ?? str(spec['severityText']) ?? 'INFO';
  const sev = severityFromText(severity);
  return {
    ts,
    source: 'container',
    cluster: str(spec['cluster']) ?? TEST_CLUSTER,
    node: str(spec['node']) ?? TEST_NODE,
    namespace: str(spec['namespace']) ?? 'default',
    pod: str(spec['pod']) ?? 'app-0',
    container: str(spec['container']) ?? 'app',
    stream: str(spec['stream']) ?? (sev >= 17 ? 'stderr' : 'stdout'),
    severityText: severity.toUpperCase(),
    severityNumber: sev,
    message: typeof spec['message'] === 'string' ? spec['message'] : '',
    attrs: (spec['attrs'] as Record<string, unknown> | undefined) ?? {},
  };
}

function journaldFromSpec(spec: Record<string, unknown>, ts: number): LogEventInput {
  const attrs: Record<string, unknown> = { _HOSTNAME: TEST_NODE, PRIORITY: '6', __REALTIME_TIMESTAMP: String(ts * 1000), ...spec };
  const prio = Number(attrs['PRIORITY']);
  return {
    ts,
    source: 'journald',
    cluster: TEST_CLUSTER,
    node: str(attrs['_HOSTNAME']) ?? TEST_NODE,
    severityNumber: Number.isInteger(prio) ? severityFromSyslog(prio) : 9,
    message: typeof attrs['MESSAGE'] === 'string' ? attrs['MESSAGE'] : '',
    attrs,
  };
}

function inputFromSpec(spec: EventSpec, ts: number, n: number): LogEventInput {
  if ('audit' in spec) return auditEventToLogEvent(auditFromSpec(spec.audit, ts, n), { cluster: TEST_CLUSTER });
  if ('container' in spec) return containerFromSpec(spec.container, ts);
  if ('journald' in spec) return journaldFromSpec(spec.journald, ts);
  return { source: 'generic', ...spec.event, ts } as LogEventInput;
}

/** The case's events in order, with their event times; ids are deterministic. */
export function buildCaseEvents(tc: RuleTestCase): LogEvent[] {
  const out: LogEvent[] = [];
  let ts = tc.start - 1000;
  let n = 0;
  for (const spec of tc.events) {
    ts = spec.at !== undefined ? tc.start + spec.at : ts + 1000;
    for (let i = 0; i < spec.repeat; i++) {
      if (i > 0) ts += spec.every;
      n++;
      const ev = finalizeEvent(inputFromSpec(spec, ts, n), ts);
      ev.id = `test-${String(n).padStart(6, '0')}`;
      out.push(ev);
    }
  }
  return out;
}
