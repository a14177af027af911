/**
 * Realistic events for the Sigma import tests: k8s_audit events decoded by the real
 * decoder (`decodeAuditPayload`) from an audit Event or a GKE Cloud Logging LogEntry, and
 * Azure activity-log records stored as `source: azure_activity` (record in attrs).
 */
import type { LogEvent } from '../../core/index.ts';
import { finalizeEvent } from '../../core/index.ts';
import { decodeAuditPayload } from '../../sources/k8s-audit/index.ts';

const T = Date.parse('2024-05-14T09:21:07.123Z');
let seq = 0;

export interface Ref {
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  apiGroup?: string;
  apiVersion?: string;
}

function decoded(body: unknown, format: 'auto' | 'gke'): LogEvent {
  const r = decodeAuditPayload(JSON.stringify(body), { receivedAt: T, format });
  if (r.events.length !== 1) throw new Error(`decoder: ${JSON.stringify(r.errors)} ${JSON.stringify(r.skipped)}`);
  return finalizeEvent(r.events[0]!, T);
}

function uriOf(ref: Ref): string {
  const base = ref.apiGroup ? `/apis/${ref.apiGroup}/${ref.apiVersion ?? 'v1'}` : `/api/${ref.apiVersion ?? 'v1'}`;
  const ns = ref.namespace ? `/namespaces/${ref.namespace}` : '';
  return `${base}${ns}/${ref.resource}${ref.name ? `/${ref.name}` : ''}${ref.subresource ? `/${ref.subresource}` : ''}`;
}

/** A native audit.k8s.io/v1 Event (ResponseComplete, kubectl user) as the webhook delivers it. */
export function auditEvent(verb: string, ref: Ref, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const id = `3f0c2a8e-5b1d-4c7e-9a2f-${String(++seq).padStart(12, '0')}`;
  const { apiGroup, apiVersion = 'v1', ...rest } = ref;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: uriOf(ref),
    verb,
    user: { username: 'alice@example.com', groups: ['developers', 'system:authenticated'] },
    sourceIPs: ['192.0.2.10'],
    userAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625',
    objectRef: { ...rest, ...(apiGroup ? { apiGroup } : {}), apiVersion },
    responseStatus: { metadata: {}, code: verb === 'create' ? 201 : 200 },
    requestReceivedTimestamp: '2024-05-14T09:21:07.101234Z',
    stageTimestamp: '2024-05-14T09:21:07.123456Z',
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "dev-admin"' },
    ...extra,
  };
}

export function k8s(verb: string, ref: Ref, extra: Record<string, unknown> = {}): LogEvent {
  return decoded(auditEvent(verb, ref, extra), 'auto');
}

/** A pod spec as kubectl sends it in requestObject. */
export function podObject(ns: string, name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace: ns }, spec };
}

/** A GKE Admin Activity audit LogEntry (serviceName k8s.io), decoded into a k8s_audit event. */
export function gke(methodName: string, resourceName: string, status: Record<string, unknown> = {}): LogEvent {
  const entry = {
    insertId: `a1b2c3d4-e5f6-4a7b-8c9d-${String(++seq).padStart(12, '0')}`,
    logName: 'projects/argus-demo/logs/cloudaudit.googleapis.com%2Factivity',
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      authenticationInfo: { principalEmail: 'mallory@argus-demo.iam.gserviceaccount.com' },
      authorizationInfo: [{ granted: true, permission: methodName.replace(/^io\.k8s\./, 'io.k8s.'), resource: resourceName }],
      methodName,
      requestMetadata: { callerIp: '198.51.100.7', callerSuppliedUserAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625' },
      resourceName,
      serviceName: 'k8s.io',
      status,
    },
    receiveTimestamp: '2024-05-14T09:21:08.512345678Z',
    resource: { type: 'k8s_cluster', labels: { cluster_name: 'prod-eu', location: 'europe-west1', project_id: 'argus-demo' } },
    severity: 'NOTICE',
    timestamp: '2024-05-14T09:21:07.123456Z',
  };
  return decoded(entry, 'gke');
}

/**
 * An Azure activity-log record (diagnostic-settings / Event Hub shape) stored as a
 * `source: azure_activity` LogEvent with the record in attrs (the importer's assumption).
 */
export function azure(operationName: string | { value: string; localizedValue: string }): LogEvent {
  const op = typeof operationName === 'string' ? operationName : operationName.value;
  const record = {
    time: '2024-05-14T09:21:07.1234567Z',
    resourceId: '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG-PROD/PROVIDERS/MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/ARC-PROD-1',
    operationName,
    category: 'Administrative',
    resultType: 'Success',
    resultSignature: 'Succeeded.',
    durationMs: '0',
    callerIpAddress: '203.0.113.5',
    correlationId: '6f1c8b8e-0d6e-4f43-9d1b-3b7c2e5c9a10',
    identity: { authorization: { action: op, scope: '/subscriptions/00000000-0000-0000-0000-000000000000' } },
    level: 'Information',
    location: 'westeurope',
    caller: 'alice@contoso.com',
  };
  return finalizeEvent(
    { ts: T, source: 'azure_activity', severityNumber: 9, message: `${op} by alice@contoso.com: Success`, user: 'alice@contoso.com', attrs: record },
    T,
  );
}
