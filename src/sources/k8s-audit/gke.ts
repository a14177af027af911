/**
 * GKE: Cloud Logging LogEntry with an AuditLog protoPayload (serviceName k8s.io) → audit Event,
 * following falcosecurity/plugins k8saudit-gke ConvertLogEntry so Falco-style rules see the
 * same shape. Accepted envelopes: one LogEntry, an array of them (`gcloud logging read
 * --format=json`), `{entries:[...]}` (entries.list), and a Pub/Sub push `{message:{data}}`.
 */
import type { Collector } from './collect.ts';
import { parseJson } from './collect.ts';
import { httpCodeFromGrpc, parseMethodName, parseResourceName } from './gke-method.ts';
import type { AuditEvent } from './types.ts';
import { isObject } from './validate.ts';

export const AUDIT_LOG_TYPE = 'type.googleapis.com/google.cloud.audit.AuditLog';

type Obj = Record<string, unknown>;

export type GkeConverted =
  | { kind: 'event'; event: AuditEvent; cluster?: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'error'; message: string; field?: string };

function s(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function isGkeLogEntry(v: unknown): v is Obj & { protoPayload: Obj } {
  return isObject(v) && isObject(v.protoPayload);
}

/** Converts one LogEntry; `skip` for audit entries of other services (cluster/node-pool operations). */
export function convertGkeEntry(entry: Obj): GkeConverted {
  const pp = entry.protoPayload;
  if (!isObject(pp) || pp['@type'] !== AUDIT_LOG_TYPE) {
    return { kind: 'error', field: 'protoPayload.@type', message: `protoPayload.@type must be ${AUDIT_LOG_TYPE}` };
  }
  if (pp.serviceName !== 'k8s.io') {
    return { kind: 'skip', reason: `serviceName ${String(pp.serviceName)} is not the Kubernetes API (k8s.io)` };
  }
  const insertId = s(entry.insertId);
  if (!insertId) return { kind: 'error', field: 'insertId', message: 'insertId is required' };
  const methodName = s(pp.methodName);
  if (!methodName) return { kind: 'error', field: 'protoPayload.methodName', message: 'protoPayload.methodName is required' };
  const time = s(entry.timestamp) ?? s(entry.receiveTimestamp);
  if (!time) return { kind: 'error', field: 'timestamp', message: 'timestamp is required' };

  const method = parseMethodName(methodName);
  const resourceName = s(pp.resourceName);
  const ref = (resourceName ? parseResourceName(resourceName, method) : undefined) ?? methodRef(method);
  const status = isObject(pp.status) ? pp.status : {};
  const grpc = typeof status.code === 'number' ? status.code : undefined;
  const code = httpCodeFromGrpc(grpc, method.verb, ref?.subresource);
  const streaming = code === 101;
  const auth = isObject(pp.authenticationInfo) ? pp.authenticationInfo : {};
  const meta = isObject(pp.requestMetadata) ? pp.requestMetadata : {};
  const resource = isObject(entry.resource) ? entry.resource : {};
  const rlabels = isObject(resource.labels) ? resource.labels : {};
  const annotations: Record<string, string> = {};
  for (const src of [entry.labels, rlabels]) {
    if (isObject(src)) for (const [k, v] of Object.entries(src)) if (typeof v === 'string') annotations[k] = v;
  }

  const ev: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: streaming ? 'Request' : 'RequestResponse',
    auditID: insertId,
    stage: streaming ? 'ResponseStarted' : 'ResponseComplete',
    requestURI: `/${resourceName ?? ''}`,
    verb: method.verb,
    user: { username: s(auth.principalEmail) ?? '' },
    sourceIPs: s(meta.callerIp) ? [meta.callerIp as string] : [],
    userAgent: s(meta.callerSuppliedUserAgent) ?? '',
    responseStatus: { code, ...(s(status.message) ? { message: status.message as string } : {}) },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations,
  };
  if (ref) ev.objectRef = ref;
  if (pp.request !== undefined) ev.requestObject = pp.request;
  if (pp.response !== undefined) ev.responseObject = pp.response;
  const cluster = s(rlabels.cluster_name);
  return cluster ? { kind: 'event', event: ev, cluster } : { kind: 'event', event: ev };
}

function methodRef(m: ReturnType<typeof parseMethodName>): AuditEvent['objectRef'] {
  if (!m.resource) return undefined;
  const ref: NonNullable<AuditEvent['objectRef']> = { resource: m.resource };
  if (m.apiGroup) ref.apiGroup = m.apiGroup;
  if (m.apiVersion) ref.apiVersion = m.apiVersion;
  if (m.subresource) ref.subresource = m.subresource;
  return ref;
}

/** Decodes one LogEntry into the collector at `index`. */
export function collectGkeEntry(c: Collector, entry: Obj, index: number): void {
  c.guard(index, () => {
    const r = convertGkeEntry(entry);
    if (r.kind === 'skip') c.skip(index, r.reason);
    else if (r.kind === 'error') c.error(index, r.message, r.field);
    else c.audit(r.event, index, r.cluster === undefined ? undefined : { cluster: r.cluster });
  });
}

/** Decodes any GKE envelope (entry, entries list, Pub/Sub push). Returns false if `doc` is none of them. */
export function collectGke(c: Collector, doc: unknown): boolean {
  if (Array.isArray(doc)) {
    doc.forEach((e, i) => (isGkeLogEntry(e) ? collectGkeEntry(c, e, i) : c.error(i, 'not a Cloud Logging LogEntry with protoPayload', 'protoPayload')));
    return true;
  }
  if (!isObject(doc)) return false;
  if (isGkeLogEntry(doc)) {
    collectGkeEntry(c, doc, 0);
    return true;
  }
  if (Array.isArray(doc.entries)) return collectGke(c, doc.entries);
  const msg = doc.message;
  if (isObject(msg) && typeof msg.data === 'string') {
    const p = parseJson(Buffer.from(msg.data, 'base64').toString('utf8'));
    if (!p.ok) c.error(0, `Pub/Sub message.data: ${p.message}`, 'message.data');
    else if (isGkeLogEntry(p.value)) collectGkeEntry(c, p.value, 0);
    else c.error(0, 'Pub/Sub message.data is not a Cloud Logging LogEntry', 'message.data');
    return true;
  }
  return false;
}
