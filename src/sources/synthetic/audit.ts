/**
 * Realistic audit.k8s.io/v1 Events: the shapes are those of a real kube-apiserver (see the Falco
 * trace files in ../shared/samples/falco-k8saudit), the mix is mostly controller noise with a few humans.
 */
import type { Rng } from './rng.ts';

const NAMESPACES = ['default', 'payments', 'checkout', 'kube-system', 'monitoring', 'logging', 'ingress-nginx'] as const;
const HUMANS = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com'] as const;
const CONTROLLERS = [
  { user: 'system:kube-controller-manager', groups: ['system:authenticated'], ua: 'kube-controller-manager/v1.29.2 (linux/amd64) kubernetes/4b8e819/leader-election' },
  { user: 'system:kube-scheduler', groups: ['system:authenticated'], ua: 'kube-scheduler/v1.29.2 (linux/amd64) kubernetes/4b8e819/scheduler' },
  { user: 'system:node:ip-10-0-1-23.ec2.internal', groups: ['system:nodes', 'system:authenticated'], ua: 'kubelet/v1.29.2 (linux/amd64) kubernetes/4b8e819' },
  { user: 'system:serviceaccount:kube-system:coredns', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'], ua: 'coredns/v1.11.1' },
] as const;

export interface AuditEventShape {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: string;
  auditID: string;
  stage: string;
  requestURI: string;
  verb: string;
  user: { username: string; uid?: string; groups: string[] };
  sourceIPs: string[];
  userAgent: string;
  objectRef?: Record<string, string>;
  responseStatus: { metadata: Record<string, never>; code: number; status?: string; reason?: string };
  requestObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations: Record<string, string>;
}

function uuid(r: Rng): string {
  const h = r.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function isoMicros(ts: number, extraMicros: number): string {
  const d = new Date(ts);
  return `${d.toISOString().slice(0, 19)}.${String(d.getUTCMilliseconds() * 1000 + extraMicros).padStart(6, '0')}Z`;
}

interface Spec {
  user: string;
  groups: string[];
  ua: string;
  ip: string;
  verb: string;
  resource: string;
  apiGroup?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  code: number;
  level?: string;
  requestObject?: unknown;
}

export function auditEvent(r: Rng, ts: number, s: Spec): AuditEventShape {
  const group = s.apiGroup ?? '';
  const base = group === '' ? '/api/v1' : `/apis/${group}/v1`;
  const nsPart = s.namespace ? `/namespaces/${s.namespace}` : '';
  const uri = `${base}${nsPart}/${s.resource}${s.name ? `/${s.name}` : ''}${s.subresource ? `/${s.subresource}` : ''}`;
  const objectRef: Record<string, string> = { resource: s.resource, apiVersion: group === '' ? 'v1' : `${group}/v1` };
  if (group) objectRef.apiGroup = group;
  if (s.namespace) objectRef.namespace = s.namespace;
  if (s.name) objectRef.name = s.name;
  if (s.subresource) objectRef.subresource = s.subresource;
  const ev: AuditEventShape = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: s.level ?? 'Metadata',
    auditID: uuid(r),
    stage: 'ResponseComplete',
    requestURI: uri,
    verb: s.verb,
    user: { username: s.user, uid: r.hex(8), groups: s.groups },
    sourceIPs: [s.ip],
    userAgent: s.ua,
    objectRef,
    responseStatus: { metadata: {}, code: s.code },
    requestReceivedTimestamp: isoMicros(ts, r.int(1000)),
    stageTimestamp: isoMicros(ts + 3, r.int(1000)),
    annotations: {
      'authorization.k8s.io/decision': s.code === 403 ? 'forbid' : 'allow',
      'authorization.k8s.io/reason': s.code === 403 ? '' : 'RBAC: allowed by ClusterRoleBinding',
    },
  };
  if (s.code >= 400) ev.responseStatus = { metadata: {}, code: s.code, status: 'Failure', reason: s.code === 403 ? 'Forbidden' : s.code === 401 ? 'Unauthorized' : 'NotFound' };
  if (s.requestObject !== undefined) ev.requestObject = s.requestObject;
  return ev;
}

/** Background traffic: controllers renewing leases, kubelets updating status, humans reading things. */
export function noiseAuditEvent(r: Rng, ts: number): AuditEventShape {
  const roll = r.next();
  if (roll < 0.9) {
    const c = r.pick(CONTROLLERS);
    const kind = r.pick([
      { verb: 'update', resource: 'leases', apiGroup: 'coordination.k8s.io', namespace: 'kube-system', name: 'kube-controller-manager' },
      { verb: 'get', resource: 'leases', apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'ip-10-0-1-23.ec2.internal' },
      { verb: 'patch', resource: 'nodes', name: 'ip-10-0-1-23.ec2.internal', subresource: 'status' },
      { verb: 'watch', resource: 'endpointslices', apiGroup: 'discovery.k8s.io' },
      { verb: 'list', resource: 'pods', namespace: r.pick(NAMESPACES) },
      { verb: 'get', resource: 'configmaps', namespace: 'kube-system', name: 'kube-root-ca.crt' },
    ] as const);
    return auditEvent(r, ts, { user: c.user, groups: [...c.groups], ua: c.ua, ip: '10.0.1.23', code: 200, ...kind });
  }
  const who = r.pick(HUMANS);
  const ns = r.pick(NAMESPACES);
  // people mostly read; changes and denied reads are rare
  const reads = [
    { verb: 'get', resource: 'pods', code: 200 },
    { verb: 'list', resource: 'deployments', apiGroup: 'apps', code: 200 },
    { verb: 'get', resource: 'pods', subresource: 'log', code: 200 },
  ] as const;
  const rare = [
    { verb: 'patch', resource: 'deployments', apiGroup: 'apps', name: 'api', code: 200 },
    { verb: 'get', resource: 'secrets', name: 'db-credentials', code: 403 },
    { verb: 'delete', resource: 'pods', name: `api-7d9f8-${r.hex(5)}`, code: 200 },
  ] as const;
  const act = r.chance(0.03) ? r.pick(rare) : r.pick(reads);
  return auditEvent(r, ts, {
    user: who,
    groups: ['developers', 'system:authenticated'],
    ua: 'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819',
    ip: `203.0.113.${10 + r.int(40)}`,
    namespace: ns,
    ...act,
  });
}
