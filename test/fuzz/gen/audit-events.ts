/**
 * Kubernetes audit events for the webhook endpoints: an audit.k8s.io Event (or a GKE LogEntry)
 * whose user is the marker, possibly with odd text in one field, one field mutated, or a deep
 * requestObject. As for generic events: good ones must be stored once, acknowledged ones once,
 * rejected ones never.
 */
import fc from 'fast-check';
import type { Deep, Weird } from './json-values.ts';
import { deepArb, deepText, weirdArb, weirdParts } from './json-values.ts';
import type { Odd } from './text.ts';
import { oddArb } from './text.ts';
import type { Node } from './tree.ts';
import { lit, obj, setPath, str } from './tree.ts';

const ODD_FIELDS = [
  'user.username', 'userAgent', 'objectRef.name', 'objectRef.namespace', 'user.groups', 'annotation value', 'annotation key',
  'requestURI', 'requestObject', 'user.extra', 'sourceIPs', 'responseStatus.message', 'impersonatedUser.username',
] as const;
type OddField = (typeof ODD_FIELDS)[number];

export interface AuditShape {
  verb: 'get' | 'list' | 'create' | 'delete' | 'patch' | 'watch';
  resource: 'pods' | 'secrets' | 'configmaps' | 'pods/exec' | 'namespaces';
  code: 200 | 201 | 403 | 404 | 500;
  stage: 'ResponseComplete' | 'ResponseStarted' | 'RequestReceived' | 'Panic';
  level: 'Metadata' | 'Request' | 'RequestResponse';
  requestObject: boolean;
  odd?: { field: OddField; odd: Odd[] };
}

const EVENT_PATHS = [
  'kind', 'apiVersion', 'auditID', 'stage', 'verb', 'level', 'requestURI', 'userAgent', 'user', 'user.groups', 'user.uid', 'sourceIPs',
  'objectRef', 'objectRef.resource', 'objectRef.name', 'objectRef.namespace', 'objectRef.subresource', 'responseStatus', 'responseStatus.code',
  'requestReceivedTimestamp', 'stageTimestamp', 'annotations', 'impersonatedUser', 'requestObject', 'responseObject', 'unknownField',
];
const GKE_PATHS = [
  'insertId', 'timestamp', 'receiveTimestamp', 'protoPayload.@type', 'protoPayload.methodName', 'protoPayload.resourceName',
  'protoPayload.status', 'protoPayload.status.code', 'protoPayload.requestMetadata', 'protoPayload.authenticationInfo',
  'protoPayload.request', 'resource.labels', 'labels',
];
/**
 * Mutated paths after which the item is not counted: the marker is gone (user), or the
 * idempotency key may repeat across cases (auditID "x" twice is a duplicate, acknowledged, stored once).
 */
const UNCOUNTED = new Set(['user', 'auditID', 'insertId', 'protoPayload.authenticationInfo']);

export type Mutation = { path: string; value: Weird } | { drop: string };

export type AuditItem =
  | { k: 'good'; shape: AuditShape }
  | { k: 'mutated'; shape: AuditShape; mut: Mutation }
  | { k: 'deep'; shape: AuditShape; deep: Deep; where: 'requestObject' | 'responseObject' | 'annotations' | 'user.extra' }
  | { k: 'junk'; json: string };

export function shapeArb(odd: boolean): fc.Arbitrary<AuditShape> {
  return fc.record(
    {
      verb: fc.constantFrom('get', 'list', 'create', 'delete', 'patch', 'watch'),
      resource: fc.constantFrom('pods', 'secrets', 'configmaps', 'pods/exec', 'namespaces'),
      code: fc.constantFrom(200, 201, 403, 404, 500),
      stage: fc.constantFrom('ResponseComplete', 'ResponseStarted', 'RequestReceived', 'Panic'),
      level: fc.constantFrom('Metadata', 'Request', 'RequestResponse'),
      requestObject: fc.boolean(),
      odd: odd ? fc.record({ field: fc.constantFrom(...ODD_FIELDS), odd: fc.array(oddArb({ big: false }), { minLength: 1, maxLength: 3 }) }) : fc.constant(undefined),
    },
    { requiredKeys: ['verb', 'resource', 'code', 'stage', 'level', 'requestObject'] },
  ) as fc.Arbitrary<AuditShape>;
}

export function auditItemArb(kinds: AuditItem['k'][], gke: boolean, odd = false): fc.Arbitrary<AuditItem> {
  const shape = shapeArb(odd);
  const paths = gke ? GKE_PATHS : EVENT_PATHS;
  const all: Record<AuditItem['k'], fc.Arbitrary<AuditItem>> = {
    good: shape.map((s) => ({ k: 'good', shape: s })),
    mutated: fc
      .record({
        shape,
        mut: fc.oneof(
          { weight: 6, arbitrary: fc.record({ path: fc.constantFrom(...paths), value: weirdArb }) },
          { weight: 1, arbitrary: fc.record({ drop: fc.constantFrom(...paths) }) },
        ),
      })
      .map((r) => ({ k: 'mutated', ...r }) as AuditItem),
    deep: fc.record({ shape, deep: deepArb, where: fc.constantFrom('requestObject', 'responseObject', 'annotations', 'user.extra') }).map((r) => ({ k: 'deep', ...r }) as AuditItem),
    junk: fc.constantFrom('null', '1', '"Event"', '[]', '{}', '{"kind":"Event"}', '{"kind":"EventList","items":[]}', '{"kind":"Event","auditID":1,"stage":"x"}').map((json) => ({ k: 'junk', json }) as AuditItem),
  };
  return fc.oneof(...kinds.map((k) => all[k]));
}

const odds = (s: AuditShape, f: OddField): Odd[] => (s.odd?.field === f ? s.odd.odd : []);

/** An audit.k8s.io/v1 Event with `marker` as (the start of) its user. */
export function auditEvent(s: AuditShape, marker: string, auditId: string, now: number): Node {
  const [resource, sub] = s.resource.split('/');
  const time = new Date(now).toISOString().replace('Z', '123Z');
  const ref: Record<string, Node> = { resource: str(resource!), namespace: str('fz-ns', odds(s, 'objectRef.namespace')), name: str('obj-', odds(s, 'objectRef.name')), apiVersion: str('v1') };
  if (sub) ref.subresource = str(sub);
  const e: Record<string, Node> = {
    kind: str('Event'),
    apiVersion: str('audit.k8s.io/v1'),
    level: str(s.level),
    auditID: str(auditId),
    stage: str(s.stage),
    requestURI: str(`/api/v1/namespaces/fz-ns/${s.resource}/obj`, odds(s, 'requestURI')),
    verb: str(s.verb),
    user: obj({
      username: str(marker, odds(s, 'user.username').length ? [{ text: ' ' }, ...odds(s, 'user.username')] : []),
      groups: { a: [str('system:authenticated'), ...(s.odd?.field === 'user.groups' ? [str('g', s.odd.odd)] : [])] },
      ...(s.odd?.field === 'user.extra' ? { extra: obj({ k: { a: [str('', s.odd.odd)] } }) } : {}),
    }),
    sourceIPs: { a: [str('10.1.2.3', odds(s, 'sourceIPs'))] },
    userAgent: str('kubectl/v1.30.0 ', odds(s, 'userAgent')),
    objectRef: obj(ref),
    responseStatus: obj({ metadata: obj({}), code: lit(String(s.code)), ...(s.odd?.field === 'responseStatus.message' ? { message: str('m ', s.odd.odd) } : {}) }),
    requestReceivedTimestamp: str(time),
    stageTimestamp: str(time),
    annotations: obj({
      'authorization.k8s.io/decision': str(s.code === 403 ? 'forbid' : 'allow'),
      ...(s.odd?.field === 'annotation value' ? { 'fuzz.io/odd': str('', s.odd.odd) } : {}),
    }),
  };
  if (s.odd?.field === 'annotation key') (e.annotations as { o: [string, Node][] }).o.push(['', str('x')]);
  if (s.odd?.field === 'annotation key') (e.annotations as { o: [string, Node][] }).o.push(['\ud800k', str('y')]);
  if (s.odd?.field === 'impersonatedUser.username') e.impersonatedUser = obj({ username: str('imp ', s.odd.odd) });
  if (s.requestObject || s.odd?.field === 'requestObject') {
    e.requestObject = obj({ kind: str('Pod'), metadata: obj({ name: str('obj-', odds(s, 'requestObject')), labels: obj({ app: str('fz') }) }), data: obj({ password: str('hunter2') }) });
  }
  return obj(e);
}

/** A GKE Cloud Logging LogEntry (AuditLog, serviceName k8s.io) with `marker` as principal. */
export function gkeEntry(s: AuditShape, marker: string, insertId: string, now: number): Node {
  const [resource, sub] = s.resource.split('/');
  const time = new Date(now).toISOString();
  const method = `io.k8s.core.v1.${resource}${sub ? `.${sub}` : ''}.${s.verb}`;
  return obj({
    insertId: str(insertId),
    logName: str('projects/fz/logs/cloudaudit.googleapis.com%2Factivity'),
    labels: obj({ 'authorization.k8s.io/decision': str('allow'), ...(s.odd?.field === 'annotation value' ? { odd: str('', s.odd.odd) } : {}) }),
    protoPayload: obj({
      '@type': str('type.googleapis.com/google.cloud.audit.AuditLog'),
      authenticationInfo: obj({ principalEmail: str(marker, odds(s, 'user.username').length ? [{ text: ' ' }, ...odds(s, 'user.username')] : []) }),
      methodName: str(method),
      resourceName: str(`core/v1/namespaces/fz-ns/${resource}/obj-`, odds(s, 'objectRef.name')),
      serviceName: str('k8s.io'),
      requestMetadata: obj({ callerIp: str('10.0.0.1', odds(s, 'sourceIPs')), callerSuppliedUserAgent: str('kubectl ', odds(s, 'userAgent')) }),
      status: obj({ code: lit(s.code === 403 ? '7' : s.code === 404 ? '5' : '0') }),
      ...(s.requestObject ? { request: obj({ '@type': str('core.k8s.io/v1.Pod'), metadata: obj({ name: str('p', odds(s, 'requestObject')) }) }) } : {}),
    }),
    resource: obj({ type: str('k8s_cluster'), labels: obj({ cluster_name: str('gke-fz'), location: str('eu-west1') }) }),
    timestamp: str(time),
    receiveTimestamp: str(time),
  });
}

export interface BuiltAudit {
  node: Node;
  good: boolean;
  marker?: string;
}

export function buildAuditItem(item: AuditItem, marker: string, now: number, gke: boolean): BuiltAudit {
  if (item.k === 'junk') return { node: lit(item.json), good: false };
  const make = gke ? gkeEntry : auditEvent;
  const node = make(item.shape, marker, `${marker}-id`, now);
  if (item.k === 'good') return { node, good: true, marker };
  if (item.k === 'deep') {
    const where = gke ? ['protoPayload', 'request'] : item.where.split('.');
    setPath(node, where, lit(gke || item.where !== 'annotations' ? deepText(item.deep) : `{"deep":${JSON.stringify(deepText({ depth: Math.min(item.deep.depth, 100), form: item.deep.form }))}}`));
    return { node, good: false, marker };
  }
  const m = item.mut;
  const path = 'drop' in m ? m.drop : m.path;
  setPath(node, path.split('.'), 'drop' in m ? undefined : { t: weirdParts(m.value) });
  return { node, good: false, ...(UNCOUNTED.has(path) ? {} : { marker }) };
}
