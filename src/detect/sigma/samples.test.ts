/**
 * All 30 SigmaHQ Kubernetes rules (../shared/samples/sigma-k8s): each imports, loads in the
 * engine, fires on a realistic event and not on a near miss (one field changed), and the
 * match carries the rule's author (DRL 1.1).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithSamples, hasSamples, samplePath } from '../../../test/helpers/samples.ts';
import type { LogEvent } from '../../core/index.ts';
import { alertFromMatch, loadRuleFiles } from '../index.ts';
import { importSigma, importSigmaDir, joinRuleFiles } from './index.ts';
import { azure, gke, k8s, podObject } from './sample-events.ts';

const DIR = samplePath('sigma-k8s', 'rules');
const HAVE = hasSamples('sigma-k8s');
const INDEX = (HAVE ? JSON.parse(readFileSync(samplePath('sigma-k8s', 'rules-index.json'), 'utf8')) : []) as {
  file: string;
  id: string;
  title: string;
  author: string;
  level: string;
}[];

const pod = (ns: string, spec: Record<string, unknown>) => ({ requestObject: podObject(ns, 'web-0', spec) });
const ctr = (extra: Record<string, unknown> = {}) => ({ name: 'web', image: 'nginx:1.25', ...extra });
const CAPS = { securityContext: { capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'] } } };
const RB = 'rbac.authorization.k8s.io';
const ADM = 'admissionregistration.k8s.io';
const AZ = 'MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS';
const EXEC_URI = '/api/v1/namespaces/default/pods/web-0/exec?command=%2Fbin%2Fsh&container=web&stdin=true&stdout=true&tty=true';
const forbid = { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' };

/** rule file → [event that must match, near miss that must not] */
const CASES: Record<string, () => [LogEvent, LogEvent]> = {
  kubernetes_audit_change_admission_controller: () => [
    k8s('create', { resource: 'mutatingwebhookconfigurations', name: 'injector', apiGroup: ADM }),
    k8s('get', { resource: 'mutatingwebhookconfigurations', name: 'injector', apiGroup: ADM }),
  ],
  kubernetes_audit_cronjob_modification: () => [
    k8s('create', { resource: 'cronjobs', namespace: 'default', name: 'miner', apiGroup: 'batch' }),
    k8s('list', { resource: 'cronjobs', namespace: 'default', apiGroup: 'batch' }),
  ],
  kubernetes_audit_deployment_deleted: () => [
    k8s('delete', { resource: 'deployments', namespace: 'shop', name: 'frontend', apiGroup: 'apps' }),
    k8s('delete', { resource: 'statefulsets', namespace: 'shop', name: 'frontend', apiGroup: 'apps' }),
  ],
  kubernetes_audit_events_deleted: () => [
    k8s('delete', { resource: 'events', namespace: 'default', name: 'web-0.17c8a1' }),
    k8s('list', { resource: 'events', namespace: 'default' }),
  ],
  kubernetes_audit_exec_into_container: () => [
    k8s('create', { resource: 'pods', namespace: 'default', name: 'web-0', subresource: 'exec' }, { stage: 'ResponseStarted', requestURI: EXEC_URI }),
    k8s('create', { resource: 'pods', namespace: 'default', name: 'web-0', subresource: 'attach' }, { stage: 'ResponseStarted' }),
  ],
  kubernetes_audit_hostpath_mount: () => [
    k8s('create', { resource: 'pods', namespace: 'default' }, pod('default', { containers: [ctr()], volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } }] })),
    k8s('create', { resource: 'pods', namespace: 'default' }, pod('default', { containers: [ctr()], volumes: [{ name: 'cache', emptyDir: {} }] })),
  ],
  kubernetes_audit_pod_in_system_namespace: () => [
    k8s('create', { resource: 'pods', namespace: 'kube-system' }, pod('kube-system', { containers: [ctr()] })),
    k8s('create', { resource: 'pods', namespace: 'default' }, pod('default', { containers: [ctr()] })),
  ],
  kubernetes_audit_potential_enumeration_activity: () => [
    k8s('create', { resource: 'pods', namespace: 'default', name: 'web-0', subresource: 'exec' }, { stage: 'ResponseStarted', requestURI: EXEC_URI }),
    k8s('create', { resource: 'pods', namespace: 'default', name: 'web-0', subresource: 'exec' }, { requestURI: EXEC_URI, annotations: forbid }),
  ],
  kubernetes_audit_privileged_pod_creation: () => [
    k8s('create', { resource: 'pods', namespace: 'default' }, pod('default', { containers: [ctr(CAPS)] })),
    k8s('create', { resource: 'pods', namespace: 'default' }, pod('default', { containers: [ctr({ securityContext: { runAsNonRoot: true } })] })),
  ],
  kubernetes_audit_rbac_permisions_listing: () => [
    k8s('create', { resource: 'selfsubjectrulesreviews', apiGroup: 'authorization.k8s.io' }),
    k8s('create', { resource: 'selfsubjectaccessreviews', apiGroup: 'authorization.k8s.io' }),
  ],
  kubernetes_audit_rolebinding_modification: () => [
    k8s('create', { resource: 'clusterrolebindings', name: 'pwned-admin', apiGroup: RB }),
    k8s('get', { resource: 'clusterrolebindings', name: 'pwned-admin', apiGroup: RB }),
  ],
  kubernetes_audit_secrets_enumeration: () => [
    k8s('list', { resource: 'secrets', namespace: 'payments' }),
    k8s('list', { resource: 'configmaps', namespace: 'payments' }),
  ],
  kubernetes_audit_secrets_modified_or_deleted: () => [
    k8s('update', { resource: 'secrets', namespace: 'payments', name: 'db-creds' }, { requestObject: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'db-creds' }, data: { password: 'aHVudGVyMg==' } } }),
    k8s('get', { resource: 'secrets', namespace: 'payments', name: 'db-creds' }),
  ],
  kubernetes_audit_serviceaccount_creation: () => [
    k8s('create', { resource: 'serviceaccounts', namespace: 'kube-system', name: 'backdoor' }),
    k8s('delete', { resource: 'serviceaccounts', namespace: 'kube-system', name: 'backdoor' }),
  ],
  kubernetes_audit_sidecar_injection: () => [
    k8s('patch', { resource: 'deployments', namespace: 'shop', name: 'frontend', apiGroup: 'apps' }),
    k8s('update', { resource: 'deployments', namespace: 'shop', name: 'frontend', apiGroup: 'apps' }),
  ],
  kubernetes_audit_unauthorized_unauthenticated_actions: () => [
    k8s('get', { resource: 'secrets', namespace: 'kube-system' }, { responseStatus: { metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403 }, annotations: forbid }),
    k8s('get', { resource: 'secrets', namespace: 'kube-system' }),
  ],
  azure_kubernetes_admission_controller: () => [
    azure(`${AZ}/ADMISSIONREGISTRATION.K8S.IO/MUTATINGWEBHOOKCONFIGURATIONS/WRITE`),
    azure(`${AZ}/ADMISSIONREGISTRATION.K8S.IO/MUTATINGWEBHOOKCONFIGURATIONS/READ`),
  ],
  azure_kubernetes_cluster_created_or_deleted: () => [azure(`${AZ}/WRITE`), azure(`${AZ}/READ`)],
  azure_kubernetes_cronjob: () => [azure('MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/BATCH/CRONJOBS/WRITE'), azure('MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/BATCH/CRONJOBS/DELETE')],
  azure_kubernetes_events_deleted: () => [azure(`${AZ}/EVENTS.K8S.IO/EVENTS/DELETE`), azure(`${AZ}/EVENTS.K8S.IO/EVENTS/READ`)],
  azure_kubernetes_network_policy_change: () => [azure(`${AZ}/NETWORKING.K8S.IO/NETWORKPOLICIES/DELETE`), azure(`${AZ}/NETWORKING.K8S.IO/NETWORKPOLICIES/READ`)],
  azure_kubernetes_pods_deleted: () => [azure(`${AZ}/PODS/DELETE`), azure(`${AZ}/PODS/EXEC/ACTION`)],
  azure_kubernetes_role_access: () => [azure(`${AZ}/RBAC.AUTHORIZATION.K8S.IO/CLUSTERROLES/ESCALATE/ACTION`), azure(`${AZ}/RBAC.AUTHORIZATION.K8S.IO/CLUSTERROLES/READ`)],
  azure_kubernetes_rolebinding_modified_or_deleted: () => [azure(`${AZ}/RBAC.AUTHORIZATION.K8S.IO/ROLEBINDINGS/WRITE`), azure(`${AZ}/RBAC.AUTHORIZATION.K8S.IO/ROLEBINDINGS/READ`)],
  azure_kubernetes_secret_or_config_object_access: () => [azure(`${AZ}/SECRETS/DELETE`), azure(`${AZ}/SECRETS/READ`)],
  azure_kubernetes_service_account_modified_or_deleted: () => [azure(`${AZ}/SERVICEACCOUNTS/IMPERSONATE/ACTION`), azure(`${AZ}/SERVICEACCOUNTS/READ`)],
  gcp_kubernetes_admission_controller: () => [
    gke('io.k8s.admissionregistration.v1.mutatingwebhookconfigurations.create', `${ADM}/v1/mutatingwebhookconfigurations/evil-hook`),
    gke('io.k8s.admissionregistration.v1.mutatingwebhookconfigurations.delete', `${ADM}/v1/mutatingwebhookconfigurations/evil-hook`),
  ],
  gcp_kubernetes_cronjob: () => [
    gke('io.k8s.batch.v1.cronjobs.create', 'batch/v1/namespaces/default/cronjobs/miner'),
    gke('io.k8s.apps.v1.daemonsets.create', 'apps/v1/namespaces/default/daemonsets/miner'),
  ],
  gcp_kubernetes_rolebinding: () => [
    gke('io.k8s.authorization.rbac.v1.clusterrolebindings.create', `${RB}/v1/clusterrolebindings/pwned-admin`),
    gke('io.k8s.authorization.rbac.v1.clusterrolebindings.get', `${RB}/v1/clusterrolebindings/pwned-admin`),
  ],
  gcp_kubernetes_secrets_modified_or_deleted: () => [
    gke('io.k8s.core.v1.secrets.delete', 'core/v1/namespaces/payments/secrets/db-creds'),
    gke('io.k8s.core.v1.secrets.get', 'core/v1/namespaces/payments/secrets/db-creds'),
  ],
};

// read only when the samples are there (describeWithSamples skips the suite otherwise)
const imported = HAVE ? importSigmaDir(DIR) : { rules: [], failed: [] };

describeWithSamples('sigma-k8s', 'SigmaHQ Kubernetes rules', () => {
  it('imports all 30 rules, with nothing refused', () => {
    expect(imported.failed).toEqual([]);
    expect(imported.rules).toHaveLength(30);
    expect(INDEX).toHaveLength(30);
    expect(Object.keys(CASES).sort()).toEqual(imported.rules.map((r) => r.path.replace(/^.*\//, '').replace(/\.yml$/, '')).sort());
  });

  it('loads all of them into one engine rule set without warnings', () => {
    const rs = loadRuleFiles([{ path: 'sigma.yaml', text: joinRuleFiles(imported.rules.map((r) => r.ruleYaml)) }]);
    expect(rs.rules).toHaveLength(30);
    expect(rs.warnings).toEqual([]);
  });

  for (const meta of INDEX) {
    const name = meta.file.replace(/^.*\//, '').replace(/\.yml$/, '');
    it(`${name}: fires on a matching event, not on a near miss, and keeps the author`, () => {
      const text = readFileSync(join(DIR, meta.file.replace(/^rules\//, '')), 'utf8');
      const r = importSigma(text, meta.file);
      if (!r.ok) throw new Error(r.reason);
      expect(r.rule.id).toBe(meta.id);
      expect(r.rule.name).toBe(meta.title);
      expect(r.rule.author).toBe(meta.author);
      expect(r.ruleYaml).toContain(`# Author: ${meta.author}.`);
      const rs = loadRuleFiles([{ path: `${name}.yaml`, text: r.ruleYaml }]);
      expect(rs.warnings).toEqual([]);
      const [hit, miss] = CASES[name]!();
      const matches = rs.evaluate(hit);
      expect(matches.map((m) => m.ruleId)).toEqual([meta.id]);
      const alert = alertFromMatch(matches[0]!);
      expect(alert.title).toContain(`[Sigma rule ${meta.id} by ${meta.author}, DRL 1.1]`);
      expect(alert.labels['tags']).toContain(`sigma.author:${meta.author}`);
      expect(matches[0]!.tags).toContain(`sigma.author:${meta.author}`);
      expect(rs.evaluate(miss)).toEqual([]);
    });
  }
});
