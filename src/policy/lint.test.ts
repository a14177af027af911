import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWithSamples, samplePath } from '../../test/helpers/samples.ts';
import { lintPolicy } from './lint.ts';

const HEAD = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n';
/** a clean tail: exec logged, catch-all at Metadata */
const TAIL = '- level: Metadata\n';

function codes(text: string): Array<[string, number]> {
  return lintPolicy(text).map((f) => [f.code, f.line]);
}

describe('lintPolicy: a clean policy', () => {
  it('has no findings', () => {
    const text = `${HEAD}- level: Metadata\n  resources:\n  - group: ""\n    resources: [secrets, configmaps, serviceaccounts/token]\n- level: Request\n  resources:\n  - group: ""\n${TAIL}`;
    expect(lintPolicy(text)).toEqual([]);
  });
});

describe('lintPolicy: each warning class on a planted policy', () => {
  it('sensitive-body: secrets at RequestResponse', () => {
    const text = `${HEAD}- level: RequestResponse\n  resources:\n  - group: ""\n    resources: [secrets]\n${TAIL}`;
    expect(codes(text)).toEqual([['sensitive-body', 5]]);
  });
  it('sensitive-body: tokenreviews caught by a group-wide Request rule', () => {
    const text = `${HEAD}- level: Request\n  resources:\n  - group: authentication.k8s.io\n${TAIL}`;
    const f = lintPolicy(text);
    expect(f.map((x) => [x.code, x.line])).toEqual([['sensitive-body', 5]]);
    expect(f[0]?.message).toContain('tokenreviews');
  });
  it('sensitive-body: configmaps at Request only for one user (found through the policy\'s own names)', () => {
    const text = `${HEAD}- level: Request\n  users: [ci-bot]\n  verbs: [patch]\n  resources:\n  - group: ""\n    resources: [configmaps]\n${TAIL}`;
    expect(codes(text)).toEqual([['sensitive-body', 5]]);
  });
  it('sensitive-body: serviceaccounts/token via a catch-all at RequestResponse', () => {
    const text = `${HEAD}- level: Metadata\n  resources:\n  - group: ""\n    resources: [secrets, configmaps]\n  - group: authentication.k8s.io\n- level: RequestResponse\n`;
    const f = lintPolicy(text);
    expect(f.map((x) => [x.code, x.line])).toEqual([['sensitive-body', 10]]);
    expect(f[0]?.message).toContain('serviceaccounts/token');
  });
  it('no-catch-all', () => {
    const text = `${HEAD}- level: Request\n  resources:\n  - group: ""\n    resources: [pods/exec, pods/attach, pods/portforward]\n- level: Metadata\n  verbs: [create, update, patch, delete]\n`;
    expect(codes(text)).toContainEqual(['no-catch-all', 9]);
  });
  it('shadowed-rule: a later, narrower rule', () => {
    const text = `${HEAD}- level: Metadata\n  resources:\n  - group: ""\n- level: None\n  verbs: [watch]\n  resources:\n  - group: ""\n    resources: [endpoints]\n${TAIL}`;
    const f = lintPolicy(text);
    expect(f.map((x) => [x.code, x.line])).toEqual([['shadowed-rule', 8]]);
    expect(f[0]?.message).toContain('rules[0] (line 5)');
  });
  it('shadowed-rule: anything after a catch-all, pods/log after pods/*, /healthz/etcd after /healthz*', () => {
    const text = `${HEAD}- level: None\n  nonResourceURLs: ["/healthz*"]\n- level: None\n  nonResourceURLs: ["/healthz/etcd"]\n- level: Request\n  resources:\n  - group: ""\n    resources: ["pods/*"]\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["pods/log"]\n${TAIL}- level: None\n  users: [system:kube-proxy]\n`;
    expect(codes(text).filter(([c]) => c === 'shadowed-rule')).toEqual([['shadowed-rule', 7], ['shadowed-rule', 13], ['shadowed-rule', 18]]);
  });
  it('not shadowed: different namespaces, verbs or resourceNames', () => {
    const text = `${HEAD}- level: None\n  namespaces: [kube-system]\n  verbs: [get]\n- level: None\n  namespaces: [default]\n  verbs: [get]\n- level: None\n  resources:\n  - group: ""\n    resources: [configmaps]\n    resourceNames: [a]\n- level: Metadata\n  resources:\n  - group: ""\n    resources: [configmaps]\n${TAIL}`;
    expect(codes(text).filter(([c]) => c === 'shadowed-rule')).toEqual([]);
  });
  it('request-received-not-omitted', () => {
    const text = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs: ["/healthz"]\n- level: Metadata\n';
    const f = lintPolicy(text);
    expect(f.map((x) => x.code)).toEqual(['request-received-not-omitted']);
    expect(f[0]?.message).toContain('rules[1]');
  });
  it('request-received: omitted per rule is fine', () => {
    const text = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  omitStages: [RequestReceived]\n';
    expect(lintPolicy(text)).toEqual([]);
  });
  it('exec-not-logged: pods subresources at None', () => {
    const text = `${HEAD}- level: None\n  resources:\n  - group: ""\n    resources: ["pods/exec", "pods/attach"]\n${TAIL}`;
    expect(codes(text)).toEqual([['exec-not-logged', 5], ['exec-not-logged', 5]]);
  });
  it('exec-not-logged: no rule matches portforward', () => {
    const text = `${HEAD}- level: Metadata\n  resources:\n  - group: ""\n    resources: ["pods/exec", "pods/attach"]\n- level: Metadata\n  resources:\n  - group: apps\n`;
    const f = lintPolicy(text);
    expect(f.find((x) => x.code === 'exec-not-logged')).toMatchObject({ line: 4 });
    expect(f.find((x) => x.code === 'exec-not-logged')?.message).toContain('pods/portforward');
  });
  it('authn-failures-not-logged: every rule is scoped to a group', () => {
    const text = `${HEAD}- level: Metadata\n  userGroups: [system:authenticated, system:unauthenticated]\n- level: None\n`;
    const f = codes(text);
    expect(f).toContainEqual(['authn-failures-not-logged', 7]);
    expect(f.filter(([c]) => c === 'silenced-identity')).toEqual([]);
  });
  it('silenced-identity: None for system:anonymous and for system:masters', () => {
    const text = `${HEAD}- level: None\n  users: [system:anonymous]\n- level: None\n  userGroups: [system:masters]\n  verbs: [create, delete]\n${TAIL}`;
    const f = lintPolicy(text).filter((x) => x.code === 'silenced-identity');
    expect(f.map((x) => x.line)).toEqual([5, 7]);
    expect(f[0]?.message).toContain('system:anonymous');
    expect(f[1]?.message).toContain('system:masters');
  });
  it('silenced-identity: an admin user named in a None rule', () => {
    const text = `${HEAD}- level: None\n  users: [cluster-admin-bot]\n  verbs: [get, list, create]\n${TAIL}`;
    const f = lintPolicy(text).filter((x) => x.code === 'silenced-identity');
    expect(f.map((x) => [x.line, x.message.includes('cluster-admin-bot')])).toEqual([[5, true]]);
  });
  it('validation errors come first and stop the semantic checks', () => {
    expect(codes(`${HEAD}- level: Loud\n`)).toEqual([['bad-level', 5]]);
  });
});

describeWithSamples('k8s-docs/audit-policy.yaml', 'lintPolicy on the example policy of the Kubernetes Auditing page', () => {
  it('warns only that configmaps in kube-system and serviceaccounts/token are logged at Request', () => {
    const text = readFileSync(samplePath('k8s-docs/audit-policy.yaml'), 'utf8');
    const f = lintPolicy(text);
    expect(f.map((x) => [x.severity, x.code, x.line])).toEqual([
      ['warning', 'sensitive-body', 43],
      ['warning', 'sensitive-body', 58],
    ]);
    expect(f[0]?.message).toMatch(/rules\[5\] logs configmaps at Request .*kube-system/);
    expect(f[1]?.message).toMatch(/rules\[7\] logs serviceaccounts\/token at Request/);
  });
});
