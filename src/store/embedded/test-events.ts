/** Synthetic ~1 KB Kubernetes audit events for tests and the ingest bench (not used at runtime). */
import { newId } from '../../core/index.ts';
import type { LogEvent, QueryPlan } from '../../core/index.ts';

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const USERS = ['system:serviceaccount:kube-system:replicaset-controller', 'alice@example.com', 'bob@example.com', 'system:node:node-1'];

export function auditEvent(i: number, over: Partial<LogEvent> = {}): LogEvent {
  const ts = over.ts ?? Date.UTC(2026, 0, 15, 10, 0, 0) + i * 10;
  const verb = VERBS[i % VERBS.length]!;
  const user = USERS[i % USERS.length]!;
  const ns = `team-${i % 13}`;
  const name = `pod-${(i * 7919) % 100000}`;
  const auditId = `4d2c${i.toString(16).padStart(8, '0')}-8f1a-4c2b-9d3e-5a6b7c8d9e0f`;
  const attrs = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: auditId,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${ns}/pods/${name}`,
    verb,
    user: { username: user, uid: `uid-${i % 97}`, groups: ['system:authenticated', 'developers'] },
    sourceIPs: [`10.0.${i % 255}.${(i * 3) % 255}`],
    userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/abcdef0',
    objectRef: { resource: 'pods', namespace: ns, name, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: new Date(ts).toISOString(),
    stageTimestamp: new Date(ts + 3).toISOString(),
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "developers"' },
  };
  return {
    id: newId(),
    ts,
    receivedAt: ts + 5,
    source: 'k8s_audit',
    cluster: 'prod-eu-1',
    severityNumber: 9,
    severityText: 'INFO',
    message: `${verb} pods/${name} in ${ns} by ${user}`,
    user,
    groups: ['system:authenticated', 'developers'],
    verb,
    resource: 'pods',
    apiGroup: '',
    objectNamespace: ns,
    objectName: name,
    code: 200,
    sourceIp: attrs.sourceIPs[0]!,
    userAgent: attrs.userAgent,
    stage: 'ResponseComplete',
    auditId,
    decision: 'allow',
    dedupKey: `${auditId}/ResponseComplete`,
    attrs,
    ...over,
  };
}

/** A small application event (~`messageBytes` of message) at `base + i` ms. */
export function appEvent(i: number, messageBytes = 40, base = Date.UTC(2026, 0, 15, 10, 0, 0)): LogEvent {
  const msg = `request ${i} from user${i % 1000} `;
  return {
    id: newId(base + i),
    ts: base + i,
    receivedAt: base + i,
    source: 'app',
    severityNumber: 9,
    severityText: 'INFO',
    message: msg + 'x'.repeat(Math.max(0, messageBytes - msg.length)),
    attrs: { a: i % 7919, b: `v${i % 104729}`, c: { d: i } },
  };
}

/**
 * A heavy but linear query: `terms` attrs paths OR'ed, then a count (each row's attrs JSON is
 * read once per path): ~8 s over 300k events with 200 terms on the 2-core machine.
 */
export function heavyPlan(terms: number): QueryPlan {
  return {
    filter: {
      op: 'or',
      args: Array.from({ length: terms }, (_, i) => ({ op: 'match' as const, field: { kind: 'attr' as const, path: [`p${i}`, 'q'] }, value: String(i), wildcard: false })),
    },
    stages: [{ op: 'stats', aggs: [{ fn: 'count', as: 'count' }], by: [] }],
  };
}
