/**
 * The pack stays quiet on benign traffic: 20k audit events from the synthetic generator
 * (controllers renewing leases, kubelets patching node status, endpointslice watches, pod
 * lists, humans reading and editing), benign extras a real cluster is full of (anonymous
 * probes, endpoints updates, kube-system secret reads, DaemonSet status updates), and 2k
 * container log lines (1 line/s over 4 pods; a third of the app lines are ERROR, so each app pod
 * logs ~25 errors per 5 minutes, under the error-burst threshold of 50), and platform identities
 * of managed clusters (EKS, GKE, AKS control planes) doing their usual reads and writes. The
 * only alerts allowed are those the generator's humans cause:
 *   - argus-k8s-workload-manual-change: every human `patch deployments` (a person edited a workload)
 *   - argus-k8s-logging-tampering: the subset of those in namespace `logging`
 *   - argus-k8s-forbidden-public-source: every human request refused with 403 (the generator's
 *     people call the API from public addresses, 203.0.113.0/24)
 * and the test asserts exactly those counts, and that no controller, kubelet, probe, lease or
 * platform event alerts.
 */
import { describe, expect, it } from 'vitest';
import type { LogEvent, LogEventInput } from '../../core/index.ts';
import { finalizeEvent } from '../../core/index.ts';
import { auditEventToLogEvent } from '../../sources/k8s-audit/index.ts';
import { auditEvent, containerEvent, createRng, noiseAuditEvent } from '../../sources/synthetic/index.ts';
import type { Rng } from '../../sources/synthetic/index.ts';
import type { Alert } from '../index.ts';
import { createDetector, loadRuleFiles } from '../index.ts';
import { builtinRuleFiles } from './index.ts';

const T0 = Date.UTC(2025, 2, 12, 9, 0, 0);
const AUDIT_EVENTS = 20_000;
const CONTAINER_EVENTS = 2_000;
const KCM = { user: 'system:kube-controller-manager', groups: ['system:authenticated'], ua: 'kube-controller-manager/v1.29.2', ip: '10.0.1.10', code: 200 };
const ANON = { user: 'system:anonymous', groups: ['system:unauthenticated'], ua: 'kube-probe/1.29', ip: '10.0.0.2', code: 200 };

/** Managed-platform identities at work (their real usernames), each allowed by the shared platform set. */
function platformBenign(r: Rng, ts: number) {
  const pick = r.int(6);
  if (pick === 0) return auditEvent(r, ts, { ...KCM, user: 'eks:certificate-controller', verb: 'list', resource: 'secrets' });
  if (pick === 1) return auditEvent(r, ts, { ...KCM, user: 'service-123456789012@container-engine-robot.iam.gserviceaccount.com', verb: 'get', resource: 'secrets', namespace: 'payments', name: 'db-credentials' });
  if (pick === 2) return auditEvent(r, ts, { ...KCM, user: 'aksService', verb: 'patch', resource: 'deployments', apiGroup: 'apps', namespace: 'kube-system', name: 'coredns' });
  if (pick === 3) return auditEvent(r, ts, { ...KCM, user: 'masterclient', verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'kube-system', name: 'konnectivity-agent-x', code: 101 });
  if (pick === 4) return auditEvent(r, ts, { ...KCM, user: 'system:addon-manager', verb: 'update', resource: 'configmaps', namespace: 'kube-system', name: 'audit-policy-reconcile' });
  return auditEvent(r, ts, { ...KCM, user: 'system:kube-scheduler', verb: 'list', resource: 'csinodes', apiGroup: 'storage.k8s.io', code: 403 });
}

/** Benign traffic noiseAuditEvent does not make, in the shapes a real apiserver logs. */
function extraBenign(r: Rng, ts: number) {
  const pick = r.int(7);
  if (pick === 6) return platformBenign(r, ts);
  if (pick === 0) return { ...auditEvent(r, ts, { ...ANON, verb: 'get', resource: '' }), requestURI: r.pick(['/healthz', '/readyz', '/livez', '/readyz?verbose', '/version']), objectRef: undefined };
  if (pick === 1) return auditEvent(r, ts, { ...KCM, user: 'system:serviceaccount:kube-system:endpoint-controller', verb: 'update', resource: 'endpoints', namespace: r.pick(['default', 'payments', 'kube-system']), name: 'api' });
  if (pick === 2) return auditEvent(r, ts, { ...KCM, user: 'system:serviceaccount:kube-system:endpointslice-controller', verb: 'update', resource: 'endpointslices', apiGroup: 'discovery.k8s.io', namespace: 'payments', name: 'api-x1' });
  if (pick === 3) return auditEvent(r, ts, { ...KCM, user: 'system:serviceaccount:kube-system:coredns', verb: 'list', resource: 'secrets', namespace: 'kube-system' });
  if (pick === 4) return auditEvent(r, ts, { ...KCM, user: 'system:node:ip-10-0-1-23.ec2.internal', verb: 'get', resource: 'secrets', namespace: 'payments', name: 'db-credentials' });
  return auditEvent(r, ts, { ...KCM, user: 'system:serviceaccount:kube-system:daemon-set-controller', verb: 'update', resource: 'daemonsets', apiGroup: 'apps', namespace: 'logging', name: 'fluent-bit', subresource: 'status' });
}

function generate(): { events: LogEvent[]; humanPatches: number; loggingPatches: number; humanDenials: number } {
  const r = createRng(20250312);
  const events: LogEvent[] = [];
  let humanPatches = 0;
  let loggingPatches = 0;
  let humanDenials = 0;
  const push = (input: LogEventInput, ts: number) => events.push(finalizeEvent(input, ts));
  for (let i = 0; i < AUDIT_EVENTS; i++) {
    const ts = T0 + i * 100;
    const raw = i % 5 === 4 ? extraBenign(r, ts) : noiseAuditEvent(r, ts);
    // the generator's people (extraBenign adds only platform identities and probes)
    const human = i % 5 !== 4 && !raw.user.username.startsWith('system:');
    if (human && raw.verb === 'patch' && raw.objectRef?.resource === 'deployments') {
      humanPatches++;
      if (raw.objectRef.namespace === 'logging') loggingPatches++;
    }
    if (human && raw.responseStatus.code === 403) humanDenials++;
    push(auditEventToLogEvent(raw, { cluster: 'demo' }), ts);
    if (i % 10 === 0) push(containerEvent(r, ts + 50), ts + 50);
  }
  expect(events.filter((e) => e.source === 'container')).toHaveLength(CONTAINER_EVENTS);
  return { events, humanPatches, loggingPatches, humanDenials };
}

describe('built-in pack on benign noise', () => {
  const { events, humanPatches, loggingPatches, humanDenials } = generate();
  const det = createDetector({ ruleSet: loadRuleFiles(builtinRuleFiles()) });
  const alerts: Alert[] = [];
  for (let i = 0; i < events.length; i += 500) alerts.push(...det.process(events.slice(i, i + 500)));
  alerts.push(...det.flush());
  const byRule = new Map<string, number>();
  for (const a of alerts) byRule.set(a.ruleId, (byRule.get(a.ruleId) ?? 0) + 1);

  it('sees enough of every benign kind', () => {
    expect(events.length).toBe(AUDIT_EVENTS + CONTAINER_EVENTS);
    expect(humanPatches).toBeGreaterThan(0);
    expect(humanDenials).toBeGreaterThan(0);
    const users = new Set(events.map((e) => e.user).filter(Boolean));
    expect(users).toContain('system:anonymous');
    expect(users).toContain('system:kube-controller-manager');
    expect(users).toContain('system:node:ip-10-0-1-23.ec2.internal');
    for (const u of ['eks:certificate-controller', 'aksService', 'masterclient', 'system:addon-manager']) expect(users).toContain(u);
  });

  it('raises only the manual-edit and logging-namespace alerts the human edits cause', () => {
    const expected: Record<string, number> = { 'argus-k8s-workload-manual-change': humanPatches };
    if (loggingPatches > 0) expected['argus-k8s-logging-tampering'] = loggingPatches;
    expected['argus-k8s-forbidden-public-source'] = humanDenials;
    expect(Object.fromEntries(byRule)).toEqual(expected);
  });

  it('raises nothing for controllers, kubelets, probes or container logs', () => {
    const sources = new Set<string>();
    for (const a of alerts) {
      expect(a.labels['user'] ?? '', a.title).not.toMatch(/^(system:|eks:|aksService$|masterclient$)|@container-engine-robot/);
      sources.add(a.labels['source'] ?? '');
    }
    expect([...sources]).toEqual(['k8s_audit']);
  });
});
