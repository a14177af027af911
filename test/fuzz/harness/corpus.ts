/**
 * Events the query and tail fuzzers run over: ordinary long log lines (the kind a backtracking
 * `*` matcher chokes on), long runs of one letter, nested attrs, numbers, and a few audit events.
 */
import { AUDIT_TOKEN } from './server.ts';
import type { FuzzServer } from './server.ts';

/** An ordinary 233-character log line, as in the reproduction. */
export const LONG_LINE =
  'level=info ts=2026-01-15T10:00:00.000Z caller=server.go:123 component=web msg="request served" method=GET path=/api/v1/namespaces/default/pods status=200 duration=12.345ms remote=10.0.0.17:54321 user_agent="kube-probe/1.30"';

export function corpusEvents(now: number, tag = 'corpus'): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 60; i++) {
    out.push({
      ts: now - i * 1000,
      source: i % 3 === 0 ? 'app' : 'container',
      namespace: ['payments', 'kube-system', 'web'][i % 3],
      pod: `api-${i}`,
      code: [200, 201, 403, 404, 500][i % 5],
      severityText: ['info', 'warn', 'error'][i % 3],
      user: i % 4 === 0 ? 'system:serviceaccount:kube-system:default' : `user${i}`,
      message: i === 7 ? 'x'.repeat(64 * 1024) : [LONG_LINE, 'a'.repeat(200), `${'e'.repeat(120)} ${'ee '.repeat(30)}`, `${tag} connection refused ${i}`][i % 4],
      attrs: { a: 'a'.repeat(200), long: 'aaaa'.repeat(60), n: i, objectRef: { name: `db-${i}` }, sourceIPs: ['10.0.0.1', '10.0.0.2'], 'weird key': { x: 'Y' } },
    });
  }
  return out;
}

function auditEventJson(i: number, now: number): Record<string, unknown> {
  const t = new Date(now - i * 1000).toISOString();
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `corpus-${now}-${i}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/payments/secrets/db',
    verb: ['get', 'list', 'create'][i % 3],
    user: { username: i % 2 ? 'system:admin' : 'alice', groups: ['system:masters', 'system:authenticated'] },
    sourceIPs: ['10.0.0.9'],
    userAgent: 'kubectl/v1.30.0',
    objectRef: { resource: 'secrets', namespace: 'payments', name: 'db', apiVersion: 'v1' },
    responseStatus: { code: [200, 403][i % 2] },
    requestReceivedTimestamp: t,
    stageTimestamp: t,
    annotations: { 'authorization.k8s.io/decision': i % 2 ? 'allow' : 'forbid' },
  };
}

/** Loads the corpus; throws when the server does not take it (the fuzz file then fails at start). */
export async function loadCorpus(s: FuzzServer): Promise<void> {
  const now = Date.now();
  const r = await fetch(`${s.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(corpusEvents(now)) });
  if (r.status !== 200) throw new Error(`the query corpus was refused: ${r.status} ${await r.text()}`);
  const items = Array.from({ length: 20 }, (_, i) => auditEventJson(i, now));
  const a = await fetch(`${s.url}/k8s-audit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${AUDIT_TOKEN}` },
    body: JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items }),
  });
  if (a.status !== 200) throw new Error(`the audit corpus was refused: ${a.status} ${await a.text()}`);
}
