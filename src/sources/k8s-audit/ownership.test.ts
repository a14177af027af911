/** The audit decoders write only what K8S_AUDIT_OWNERSHIP declares (the receivers' claim relies on it). */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAuditPayload, K8S_AUDIT_OWNERSHIP } from './index.ts';

const FIX = new URL('../../../test/fixtures/', import.meta.url);
const read = (p: string): string => readFileSync(new URL(p, FIX), 'utf8');
const files = (dir: string): string[] => readdirSync(new URL(dir, FIX)).filter((f) => f.endsWith('.json')).map((f) => `${dir}${f}`);

const BODIES = [
  'falco-k8saudit-cloud/aks/aks_eventhub_diagnostic_records.json',
  'falco-k8saudit-cloud/eks/eks_cloudwatch_subscription_message.CONSTRUCTED.json',
  'falco-k8saudit-cloud/eks/eks_filterlogevents_response.CONSTRUCTED.json',
  ...files('falco-k8saudit-cloud/gke/k8s_audit/'),
  ...files('falco-k8saudit/trace_files/k8s_audit/'),
  'authenticator',
];

/** an aws-iam-authenticator line in a CloudWatch FilterLogEvents answer (no fixture has one) */
const AUTHENTICATOR = JSON.stringify({
  events: [{
    logStreamName: 'authenticator-0123', timestamp: 1714557600000, eventId: '3757',
    message: 'time="2024-05-01T10:00:00Z" level=info msg="access granted" arn="arn:aws:iam::1:role/x" client="127.0.0.1:48720" username="kubernetes-admin"',
  }],
});

describe('K8S_AUDIT_OWNERSHIP', () => {
  it('covers every source and dedupKey the audit decoders produce', () => {
    const sources = new Set<string>();
    for (const body of BODIES) {
      for (const cluster of [undefined, 'prod']) {
        const r = decodeAuditPayload(body === 'authenticator' ? AUTHENTICATOR : read(body), { receivedAt: Date.now(), ...(cluster ? { cluster } : {}) });
        for (const e of r.events) {
          sources.add(e.source);
          expect(K8S_AUDIT_OWNERSHIP.sources, body).toContain(e.source);
          if (e.dedupKey !== undefined) expect(K8S_AUDIT_OWNERSHIP.keyPrefixes.some((p) => e.dedupKey!.startsWith(p)), `${body}: ${e.dedupKey}`).toBe(true);
        }
      }
    }
    expect([...sources].sort()).toEqual([...K8S_AUDIT_OWNERSHIP.sources].sort());
  });
});
