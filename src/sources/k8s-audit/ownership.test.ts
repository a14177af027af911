/** The audit decoders write only what K8S_AUDIT_OWNERSHIP declares (the receivers' claim relies on it). */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeWithSamples, hasSamples, samplePath } from '../../../test/helpers/samples.ts';
import { decodeAuditPayload, K8S_AUDIT_OWNERSHIP } from './index.ts';

const SAMPLE_DIRS = ['falco-k8saudit-cloud', 'falco-k8saudit/trace_files/k8s_audit'];
const HAVE = hasSamples(...SAMPLE_DIRS);
const read = (p: string): string => readFileSync(samplePath(p), 'utf8');
const files = (dir: string): string[] => (HAVE ? readdirSync(samplePath(dir)).filter((f) => f.endsWith('.json')).map((f) => `${dir}${f}`) : []);

const BODIES = [
  'falco-k8saudit-cloud/aks/aks_eventhub_diagnostic_records.json',
  'falco-k8saudit-cloud/eks/eks_cloudwatch_subscription_message.CONSTRUCTED.json',
  'falco-k8saudit-cloud/eks/eks_filterlogevents_response.CONSTRUCTED.json',
  ...files('falco-k8saudit-cloud/gke/khi-test-logs/k8s_audit/'),
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

describeWithSamples(SAMPLE_DIRS, 'K8S_AUDIT_OWNERSHIP', () => {
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
