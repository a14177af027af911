/**
 * Simulation vectors written from kube-apiserver's policy checker semantics and the Kubernetes
 * "Auditing" documentation: first match wins, None when nothing matches, omitStages union,
 * omitManagedFields override, resource / subresource / wildcard / nonResourceURL matching.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWithSamples, samplePath } from '../../test/helpers/samples.ts';
import { evaluatePolicy, matchingRule, pathMatches } from './checker.ts';
import { loadPolicy } from './parse.ts';
import type { Level, Policy, PolicyRule, RequestAttributes } from './types.ts';

const alice = { user: 'alice@example.com', groups: ['devs', 'system:authenticated'] };
const sa = { user: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'] };

const REQ: Record<string, RequestAttributes> = {
  getPod: { ...alice, verb: 'get', namespace: 'default', apiGroup: '', resource: 'pods', name: 'web-1' },
  listPods: { ...alice, verb: 'list', namespace: 'default', apiGroup: '', resource: 'pods' },
  createPod: { ...sa, verb: 'create', namespace: 'ci', apiGroup: '', resource: 'pods', name: 'job-1' },
  podLog: { ...alice, verb: 'get', namespace: 'default', apiGroup: '', resource: 'pods', subresource: 'log', name: 'web-1' },
  podStatus: { ...sa, verb: 'patch', namespace: 'default', apiGroup: '', resource: 'pods', subresource: 'status', name: 'web-1' },
  podExec: { ...alice, verb: 'create', namespace: 'default', apiGroup: '', resource: 'pods', subresource: 'exec', name: 'web-1' },
  deployScale: { ...alice, verb: 'update', namespace: 'default', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web' },
  deployStatus: { ...sa, verb: 'update', namespace: 'default', apiGroup: 'apps', resource: 'deployments', subresource: 'status', name: 'web' },
  getClusterRole: { ...alice, verb: 'get', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'edit' },
  getClusterRoleView: { ...alice, verb: 'get', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'view' },
  getNode: { ...alice, verb: 'get', namespace: '', apiGroup: '', resource: 'nodes', name: 'n1' },
  cmLeader: { ...sa, verb: 'update', namespace: 'kube-system', apiGroup: '', resource: 'configmaps', name: 'controller-leader' },
  cmOther: { ...sa, verb: 'update', namespace: 'kube-system', apiGroup: '', resource: 'configmaps', name: 'settings' },
  cmDefault: { ...alice, verb: 'create', namespace: 'default', apiGroup: '', resource: 'configmaps', name: 'app' },
  secret: { ...alice, verb: 'get', namespace: 'default', apiGroup: '', resource: 'secrets', name: 'db' },
  healthz: { ...alice, verb: 'get', path: '/healthz', resourceRequest: false },
  healthzEtcd: { ...alice, verb: 'get', path: '/healthz/etcd', resourceRequest: false },
  apis: { ...alice, verb: 'get', path: '/apis/apps/v1', resourceRequest: false },
  metrics: { ...sa, verb: 'get', path: '/metrics', resourceRequest: false },
  noUserPod: { verb: 'get', namespace: 'default', apiGroup: '', resource: 'pods', name: 'web-1' },
  kubeProxyWatch: { user: 'system:kube-proxy', groups: ['system:authenticated'], verb: 'watch', namespace: 'default', apiGroup: '', resource: 'endpoints' },
  kubeProxyList: { user: 'system:kube-proxy', groups: ['system:authenticated'], verb: 'list', namespace: 'default', apiGroup: '', resource: 'endpoints' },
};

const RULE: Record<string, PolicyRule> = {
  all: { level: 'Metadata' },
  creates: { level: 'Request', verbs: ['create'] },
  alice: { level: 'RequestResponse', users: ['alice@example.com'] },
  devs: { level: 'Request', userGroups: ['devs'] },
  sas: { level: 'Request', userGroups: ['system:serviceaccounts'] },
  pods: { level: 'RequestResponse', resources: [{ group: '', resources: ['pods'] }] },
  podsInApps: { level: 'RequestResponse', resources: [{ group: 'apps', resources: ['pods'] }] },
  podLog: { level: 'Metadata', resources: [{ group: '', resources: ['pods/log'] }] },
  podsAnySub: { level: 'Request', resources: [{ group: '', resources: ['pods/*'] }] },
  anyStatus: { level: 'None', resources: [{ group: '', resources: ['*/status'] }, { group: 'apps', resources: ['*/status'] }] },
  star: { level: 'Request', resources: [{ group: '', resources: ['*'] }] },
  coreGroup: { level: 'Request', resources: [{ group: '' }] },
  appsGroup: { level: 'RequestResponse', resources: [{ group: 'apps' }] },
  clusterScoped: { level: 'RequestResponse', namespaces: [''] },
  kubeSystem: { level: 'Request', namespaces: ['kube-system'] },
  editRole: { level: 'RequestResponse', resources: [{ group: 'rbac.authorization.k8s.io', resources: ['clusterroles'], resourceNames: ['edit'] }] },
  leaderNone: { level: 'None', resources: [{ group: '', resources: ['configmaps'], resourceNames: ['controller-leader'] }] },
  healthExact: { level: 'None', nonResourceURLs: ['/healthz'] },
  healthPrefix: { level: 'None', nonResourceURLs: ['/healthz*'] },
  apiPrefix: { level: 'Request', nonResourceURLs: ['/api*'] },
  anyUrl: { level: 'Metadata', nonResourceURLs: ['*'] },
  proxyWatch: { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: '', resources: ['endpoints', 'services'] }] },
  omitRR: { level: 'Request', omitStages: ['RequestReceived'] },
  omitPanic: { level: 'Metadata', omitStages: ['Panic', 'ResponseStarted'] },
  omfTrue: { level: 'Request', omitManagedFields: true },
  omfFalse: { level: 'Request', omitManagedFields: false },
};

function policy(names: string[], extra: Partial<Policy> = {}): Policy {
  return { rules: names.map((n) => RULE[n] as PolicyRule), ...extra };
}

// [request, rules in order, expected level]
const LEVEL_VECTORS: Array<[string, string[], Level]> = [
  ['getPod', [], 'None'],
  ['getPod', ['all'], 'Metadata'],
  ['getPod', ['creates'], 'None'],
  ['createPod', ['creates', 'all'], 'Request'],
  ['getPod', ['alice', 'all'], 'RequestResponse'],
  ['createPod', ['alice', 'all'], 'Metadata'],
  ['getPod', ['devs'], 'Request'],
  ['createPod', ['devs'], 'None'],
  ['createPod', ['sas'], 'Request'],
  ['getPod', ['pods'], 'RequestResponse'],
  ['podLog', ['pods'], 'None'],
  ['podLog', ['pods', 'podLog'], 'Metadata'],
  ['getPod', ['podLog', 'pods'], 'RequestResponse'],
  ['getPod', ['podsInApps'], 'None'],
  ['podLog', ['podsAnySub'], 'Request'],
  ['podExec', ['podsAnySub'], 'Request'],
  ['getPod', ['podsAnySub'], 'Request'],
  ['getNode', ['podsAnySub'], 'None'],
  ['podStatus', ['anyStatus', 'all'], 'None'],
  ['deployStatus', ['anyStatus', 'all'], 'None'],
  ['deployScale', ['anyStatus', 'all'], 'Metadata'],
  ['getPod', ['anyStatus', 'all'], 'Metadata'],
  ['podLog', ['star'], 'Request'],
  ['getNode', ['star'], 'Request'],
  ['deployScale', ['star'], 'None'],
  ['secret', ['coreGroup'], 'Request'],
  ['deployScale', ['coreGroup', 'appsGroup'], 'RequestResponse'],
  ['getClusterRole', ['clusterScoped'], 'RequestResponse'],
  ['getNode', ['clusterScoped'], 'RequestResponse'],
  ['getPod', ['clusterScoped'], 'None'],
  ['healthz', ['clusterScoped'], 'None'],
  ['cmOther', ['kubeSystem'], 'Request'],
  ['cmDefault', ['kubeSystem'], 'None'],
  ['getClusterRole', ['editRole'], 'RequestResponse'],
  ['getClusterRoleView', ['editRole'], 'None'],
  ['getClusterRole', ['editRole', 'all'], 'RequestResponse'],
  ['getClusterRoleView', ['editRole', 'all'], 'Metadata'],
  ['cmLeader', ['leaderNone', 'kubeSystem'], 'None'],
  ['cmOther', ['leaderNone', 'kubeSystem'], 'Request'],
  ['healthz', ['healthExact', 'all'], 'None'],
  ['healthzEtcd', ['healthExact', 'all'], 'Metadata'],
  ['healthzEtcd', ['healthPrefix', 'all'], 'None'],
  ['apis', ['apiPrefix'], 'Request'],
  ['metrics', ['apiPrefix'], 'None'],
  ['metrics', ['anyUrl'], 'Metadata'],
  ['getPod', ['anyUrl'], 'None'],
  ['healthz', ['pods', 'all'], 'Metadata'],
  ['healthz', ['star'], 'None'],
  ['noUserPod', ['alice'], 'None'],
  ['noUserPod', ['devs'], 'None'],
  ['noUserPod', ['devs', 'all'], 'Metadata'],
  ['noUserPod', ['pods'], 'RequestResponse'],
  ['kubeProxyWatch', ['proxyWatch', 'all'], 'None'],
  ['kubeProxyList', ['proxyWatch', 'all'], 'Metadata'],
];

describe('evaluatePolicy: levels', () => {
  it.each(LEVEL_VECTORS)('%s with [%s] -> %s', (req, rules, level) => {
    expect(evaluatePolicy(policy(rules), REQ[req] as RequestAttributes).level).toBe(level);
  });
});

describe('evaluatePolicy: omitStages and omitManagedFields', () => {
  it('no match returns the policy-level omitStages', () => {
    expect(evaluatePolicy(policy([], { omitStages: ['RequestReceived'] }), REQ.getPod!).omitStages).toEqual(['RequestReceived']);
  });
  it('rule omitStages are unioned with the policy omitStages', () => {
    const d = evaluatePolicy(policy(['omitPanic'], { omitStages: ['RequestReceived', 'Panic'] }), REQ.getPod!);
    expect(d).toEqual({ level: 'Metadata', omitStages: ['RequestReceived', 'ResponseStarted', 'Panic'], omitManagedFields: false });
  });
  it('rule omitStages alone apply when the policy has none', () => {
    expect(evaluatePolicy(policy(['omitRR', 'all']), REQ.getPod!).omitStages).toEqual(['RequestReceived']);
  });
  it('only the matched rule contributes stages', () => {
    expect(evaluatePolicy(policy(['pods', 'omitRR']), REQ.getPod!).omitStages).toEqual([]);
  });
  it.each([
    [false, 'all', false],
    [true, 'all', true],
    [true, 'omfFalse', false],
    [false, 'omfTrue', true],
  ] as const)('policy omitManagedFields=%s with rule %s -> %s', (global, rule, want) => {
    expect(evaluatePolicy(policy([rule], { omitManagedFields: global }), REQ.getPod!).omitManagedFields).toBe(want);
  });
  it('no match returns the policy-level omitManagedFields', () => {
    expect(evaluatePolicy(policy(['creates'], { omitManagedFields: true }), REQ.getPod!).omitManagedFields).toBe(true);
  });
});

describe('pathMatches', () => {
  it.each([
    ['/healthz', '/healthz', true],
    ['/healthz/etcd', '/healthz', false],
    ['/healthz/etcd', '/healthz*', true],
    ['/healthzfoo', '/healthz/*', false],
    ['/healthz/x', '/healthz/*', true],
    ['/anything', '*', true],
    ['/api', '/api*', true],
  ] as const)('%s vs %s -> %s', (path, spec, want) => expect(pathMatches(path, spec)).toBe(want));
});

describeWithSamples('k8s-docs/audit-policy.yaml', 'the example policy of the Kubernetes Auditing page', () => {
  const p = loadPolicy(readFileSync(samplePath('k8s-docs/audit-policy.yaml'), 'utf8'));
  const rr = { omitStages: ['RequestReceived'], omitManagedFields: false };
  it.each([
    ['pods -> RequestResponse', REQ.getPod, 'RequestResponse', 0],
    ['pods/log -> Metadata, not the pods rule', REQ.podLog, 'Metadata', 1],
    ['pods/exec -> core-group Request rule', REQ.podExec, 'Request', 7],
    ['configmap controller-leader -> None', REQ.cmLeader, 'None', 2],
    ['kube-proxy watch endpoints -> None', REQ.kubeProxyWatch, 'None', 3],
    ['kube-proxy list endpoints -> core Request', REQ.kubeProxyList, 'Request', 7],
    ['authenticated /apis/... -> None', REQ.apis, 'None', 4],
    ['kube-system configmap -> Request', REQ.cmOther, 'Request', 5],
    ['default configmap -> Metadata', REQ.cmDefault, 'Metadata', 6],
    ['secret -> Metadata', REQ.secret, 'Metadata', 6],
    ['apps deployment -> catch-all Metadata', REQ.deployScale, 'Metadata', 8],
    ['/metrics -> catch-all Metadata', REQ.metrics, 'Metadata', 8],
    ['unauthenticated /api -> catch-all (the None rule needs system:authenticated)', { verb: 'get', path: '/api', resourceRequest: false }, 'Metadata', 8],
  ] as const)('%s', (_name, attrs, level, rule) => {
    expect(evaluatePolicy(p, attrs as RequestAttributes)).toEqual({ level, ...rr });
    expect(matchingRule(p, attrs as RequestAttributes)).toBe(rule);
  });
});

describe('group "*" matches every API group (kubernetes/kubernetes#135262)', () => {
  const p: Policy = { rules: [{ level: 'None', resources: [{ group: '*', resources: ['*/status'] }] }, { level: 'Metadata' }], omitStages: [], omitManagedFields: false };
  it.each([
    ['core', '', 'None'],
    ['apps', 'apps', 'None'],
    ['a CRD group', 'example.com', 'None'],
  ] as const)('%s', (_n, apiGroup, level) => {
    const attrs: RequestAttributes = { user: 'u', verb: 'update', resourceRequest: true, apiGroup, resource: 'deployments', subresource: 'status', namespace: 'ns' };
    expect(evaluatePolicy(p, attrs).level).toBe(level);
    expect(evaluatePolicy(p, { ...attrs, subresource: '' }).level).toBe('Metadata');
  });
});
