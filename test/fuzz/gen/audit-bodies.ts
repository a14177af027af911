/**
 * Webhook bodies in every shape the audit endpoints take (EventList, one Event, an array, NDJSON,
 * EKS CloudWatch, GKE Cloud Logging, AKS diagnostics), with a credential variant, and what each
 * requires.
 */
import fc from 'fast-check';
import type { Expect } from '../harness/batch.ts';
import type { Req } from '../harness/http.ts';
import { AUDIT_TOKEN, BODY_LIMIT } from '../harness/server.ts';
import type { AuditItem, BuiltAudit } from './audit-events.ts';
import { auditItemArb, buildAuditItem } from './audit-events.ts';
import type { Part } from './text.ts';
import { embedParts, partsToBuffer } from './text.ts';
import type { Transport } from './transport.ts';
import { applyTransport, plainTransport } from './transport.ts';
import { render } from './tree.ts';

export const ENVELOPES = ['eventlist', 'event', 'array', 'ndjson', 'eks-subscription', 'eks-filter', 'aks', 'gke-entry', 'gke-array', 'gke-entries', 'gke-pubsub'] as const;
export type Envelope = (typeof ENVELOPES)[number];
const SINGLE: ReadonlySet<Envelope> = new Set(['event', 'gke-entry', 'gke-pubsub']);
const isGke = (e: Envelope): boolean => e.startsWith('gke');

/** who the request claims to be: only the last four must be refused */
export const AUTHS = ['none', 'token', 'query-cluster', 'token+same-cluster', 'bad-token', 'basic-auth', 'token+other-cluster', 'bad-cluster'] as const;
export type Auth = (typeof AUTHS)[number];
const AUTH_STATUS: Partial<Record<Auth, number>> = { 'bad-token': 401, 'basic-auth': 401, 'token+other-cluster': 403, 'bad-cluster': 400 };

export interface AuditBody {
  envelope: Envelope;
  items: AuditItem[];
  path: '/k8s-audit' | '/api/v1/ingest/k8s-audit';
  auth: Auth;
  transport: Transport;
}

export interface AuditBodyOptions {
  kinds: AuditItem['k'][];
  odd?: boolean;
  auths?: readonly Auth[];
  transport?: fc.Arbitrary<Transport>;
  maxItems?: number;
}

export function auditBodyArb(o: AuditBodyOptions): fc.Arbitrary<AuditBody> {
  return fc.constantFrom(...ENVELOPES).chain((envelope) =>
    fc.record({
      envelope: fc.constant(envelope),
      items: fc.array(auditItemArb(o.kinds, isGke(envelope), o.odd ?? false), { minLength: 1, maxLength: SINGLE.has(envelope) ? 1 : (o.maxItems ?? 6) }),
      path: fc.constantFrom('/k8s-audit', '/api/v1/ingest/k8s-audit'),
      auth: fc.constantFrom(...(o.auths ?? ['none', 'token', 'query-cluster', 'token+same-cluster'])),
      transport: o.transport ?? fc.constant(plainTransport),
    }),
  ) as fc.Arbitrary<AuditBody>;
}

function envelopeParts(env: Envelope, built: BuiltAudit[], now: number): Part[] {
  const items = built.map((b) => render(b.node));
  const join = (xs: Part[][], sep: string): Part[] => xs.flatMap((x, i) => (i > 0 ? [sep, ...x] : x));
  switch (env) {
    case 'eventlist':
      return ['{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[', ...join(items, ','), ']}'];
    case 'event':
    case 'gke-entry':
      return items[0]!;
    case 'array':
    case 'gke-array':
      return ['[', ...join(items, ','), ']'];
    case 'gke-entries':
      return ['{"entries":[', ...join(items, ','), ']}'];
    case 'ndjson':
      return [...join(items, '\n'), '\n'];
    case 'eks-subscription':
      return [
        '{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/eks/fz-eks/cluster","logStream":"kube-apiserver-audit-0123abcd","subscriptionFilters":["fz"],"logEvents":[',
        ...join(items.map((p, i) => [`{"id":"${i}","timestamp":${now},"message":`, ...embedParts(p), '}']), ','),
        ']}',
      ];
    case 'eks-filter':
      return ['{"events":[', ...join(items.map((p, i) => [`{"logStreamName":"kube-apiserver-audit-0123abcd","timestamp":${now},"message":`, ...embedParts(p), `,"eventId":"${i}"}`]), ','), ']}'];
    case 'aks':
      return [
        '{"records":[',
        ...join(
          items.map((p) => [
            '{"operationName":"Microsoft.ContainerService/managedClusters/diagnosticLogs/Read","category":"kube-audit","ccpNamespace":"fz","resourceId":"/SUBSCRIPTIONS/0/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/FZ-AKS","properties":{"log":',
            ...embedParts(p),
            `,"stream":"stdout","pod":"kube-apiserver-0"},"time":"${new Date(now).toISOString()}"}`,
          ]),
          ',',
        ),
        ']}',
      ];
    case 'gke-pubsub':
      return [`{"message":{"data":"${partsToBuffer(items[0]!).toString('base64')}","messageId":"1"},"subscription":"projects/fz/subscriptions/audit"}`];
  }
}

function authRequest(path: string, auth: Auth): { path: string; headers: Record<string, string> } {
  const bearer = { authorization: `Bearer ${AUDIT_TOKEN}` };
  switch (auth) {
    case 'none':
      return { path, headers: {} };
    case 'token':
      return { path, headers: bearer };
    case 'query-cluster':
      return { path: `${path}?cluster=fz-q`, headers: {} };
    case 'token+same-cluster':
      return { path: `${path}?cluster=fuzz`, headers: bearer };
    case 'bad-token':
      return { path, headers: { authorization: 'Bearer not-the-token-0000000000' } };
    case 'basic-auth':
      return { path, headers: { authorization: 'Basic Zm9vOmJhcg==' } };
    case 'token+other-cluster':
      return { path: `${path}?cluster=other`, headers: bearer };
    case 'bad-cluster':
      return { path: `${path}?cluster=${encodeURIComponent('bad cluster/..')}`, headers: {} };
  }
}

export function buildAuditBody(b: AuditBody, tag: string, now: number): { req: Req; exp: Expect } {
  const gke = isGke(b.envelope);
  const built = b.items.map((it, i) => buildAuditItem(it, `${tag}${i}z`, now, gke));
  const wire = applyTransport(partsToBuffer(envelopeParts(b.envelope, built, now)), b.transport);
  const a = authRequest(b.path, b.auth);
  // an NDJSON body is recognized by its first line: an object there, or nothing is predicted
  const firstOk = b.envelope !== 'ndjson' || b.items[0]!.k !== 'junk';
  const status = wire.requiredStatus ?? (wire.body.length > BODY_LIMIT ? 413 : AUTH_STATUS[b.auth]);
  const exp: Expect = {
    items: built.map((it) => ({ good: it.good, ...(it.marker && firstOk ? { marker: it.marker } : {}) })),
    mustAckGoods: wire.understood && firstOk && wire.plainLength <= BODY_LIMIT && status === undefined,
    ...(status !== undefined ? { status } : {}),
    what: `a ${b.envelope} body of ${b.items.length} audit item(s) (${b.items.map((i) => i.k).join(',')}) with auth ${b.auth}`,
  };
  return { req: { method: 'POST', path: a.path, headers: { ...wire.headers, ...a.headers }, body: wire.body }, exp };
}
