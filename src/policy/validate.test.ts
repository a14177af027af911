import { describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy } from './parse.ts';
import { isArgusError } from '../core/index.ts';

function errors(text: string): Array<[string, number]> {
  return parsePolicy(text).findings.filter((f) => f.severity === 'error').map((f) => [f.code, f.line]);
}

function warnings(text: string): Array<[string, number]> {
  return parsePolicy(text).findings.filter((f) => f.severity === 'warning').map((f) => [f.code, f.line]);
}

const HEAD = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n';

describe('parsePolicy: a valid policy', () => {
  it('normalizes rules and records their lines', () => {
    const r = parsePolicy(`${HEAD}# first\n- level: None\n  nonResourceURLs: ["/healthz*"]\n- level: Metadata\n  omitManagedFields: true\n`);
    expect(r.findings).toEqual([]);
    expect(r.policy?.rules.map((x) => [x.level, x.line, x.omitManagedFields])).toEqual([
      ['None', 5, undefined],
      ['Metadata', 7, true],
    ]);
    expect(r.policy?.omitManagedFields).toBe(false);
  });
});

describe('parsePolicy: errors carry the line of the offending node', () => {
  it('unknown level', () => {
    expect(errors(`${HEAD}- level: Metadata\n- level: Everything\n`)).toEqual([['bad-level', 5]]);
  });
  it('lowercase level, with a hint', () => {
    const f = parsePolicy(`${HEAD}- level: metadata\n`).findings[0];
    expect(f).toMatchObject({ code: 'bad-level', line: 4 });
    expect(f?.message).toContain('"Metadata"');
  });
  it('missing level points at the rule', () => {
    expect(errors(`${HEAD}- level: None\n  verbs: [get]\n- verbs: [watch]\n`)).toEqual([['missing-level', 6]]);
  });
  it('unknown stage in a rule and at the policy level', () => {
    const text = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages:\n  - RequestRecieved\nrules:\n- level: Metadata\n  omitStages: [ResponseComplete, Done]\n';
    expect(errors(text)).toEqual([['bad-stage', 4], ['bad-stage', 7]]);
  });
  it('resources together with nonResourceURLs', () => {
    const text = `${HEAD}- level: Metadata\n  resources:\n  - group: ""\n    resources: [pods]\n  nonResourceURLs: ["/healthz"]\n`;
    expect(errors(text)).toEqual([['mixed-resource-nonresource', 8]]);
  });
  it('namespaces together with nonResourceURLs', () => {
    expect(errors(`${HEAD}- level: Metadata\n  namespaces: [default]\n  nonResourceURLs: ["/metrics"]\n`)).toEqual([['mixed-resource-nonresource', 6]]);
  });
  it('non-resource URL without a leading slash, and * not final', () => {
    const text = `${HEAD}- level: None\n  nonResourceURLs:\n  - "/ok*"\n  - "healthz"\n  - "/api/*/pods"\n  - "*"\n`;
    expect(errors(text)).toEqual([['bad-nonresource-url', 7], ['bad-nonresource-url', 8]]);
  });
  it('group with a version', () => {
    expect(errors(`${HEAD}- level: Metadata\n  resources:\n  - group: rbac.authorization.k8s.io/v1\n`)).toEqual([['bad-group', 6]]);
  });
  it('resourceNames without resources', () => {
    expect(errors(`${HEAD}- level: None\n  resources:\n  - group: ""\n    resourceNames: [x]\n`)).toEqual([['resource-names-without-resources', 7]]);
  });
  it('wrong types', () => {
    const text = `${HEAD}- level: None\n  users: alice\n  omitManagedFields: "yes"\n  verbs: [get, 3]\n`;
    expect(errors(text)).toEqual([['bad-type', 5], ['bad-type', 6], ['bad-type', 7]]);
  });
  it('apiVersion, kind and empty rules', () => {
    expect(errors('apiVersion: audit.k8s.io/v1beta1\nkind: AuditPolicy\nrules: []\n')).toEqual([
      ['bad-api-version', 1],
      ['bad-kind', 2],
      ['no-rules', 3],
    ]);
  });
  it('YAML syntax errors', () => {
    const f = errors(`${HEAD}- level: None\n  verbs: [get\n- level: Metadata\n`);
    expect(f.length).toBeGreaterThan(0);
    expect(f[0]?.[0]).toBe('yaml-syntax');
    expect(f[0]?.[1]).toBeGreaterThanOrEqual(5);
  });
  it('duplicate keys', () => {
    expect(errors(`${HEAD}- level: None\n  level: Metadata\n`)).toEqual([['yaml-syntax', 5]]);
  });
  it('not a mapping', () => {
    expect(errors('- level: None\n')).toEqual([['bad-type', 1]]);
  });
});

describe('parsePolicy: warnings for what kube-apiserver accepts but ignores', () => {
  it('unknown fields with a hint', () => {
    const r = parsePolicy(`${HEAD}- level: None\n  namespace: [kube-system]\n  resources:\n  - group: ""\n    resource: [pods]\n`);
    expect(r.findings.map((f) => [f.code, f.line])).toEqual([['unknown-field', 5], ['unknown-field', 8]]);
    expect(r.findings[0]?.message).toContain('"namespaces"');
    expect(r.policy).toBeDefined();
  });
  it('resource patterns that can never match', () => {
    const text = `${HEAD}- level: None\n  resources:\n  - group: ""\n    resources: ["pods", "po*", "*/*", "pods/*/x", "*/status", "pods/*"]\n`;
    expect(warnings(text)).toEqual([['resource-wildcard', 7], ['resource-wildcard', 7], ['resource-wildcard', 7]]);
  });
  it('uppercase verbs', () => {
    expect(warnings(`${HEAD}- level: None\n  verbs: [GET]\n`)).toEqual([['unknown-verb', 5]]);
  });
});

describe('loadPolicy', () => {
  it('throws BAD_CONFIG naming the lines', () => {
    try {
      loadPolicy(`${HEAD}- level: Loud\n`, 'audit.yaml');
      expect.unreachable();
    } catch (e) {
      expect(isArgusError(e) && e.code).toBe('BAD_CONFIG');
      expect((e as Error).message).toContain('audit.yaml:4:');
    }
  });
});

describe('following kube-apiserver HEAD', () => {
  it('group "*" (every API group, kubernetes/kubernetes#135262) is valid; other bad groups are not', () => {
    expect(errors(`${HEAD}- level: None\n  resources:\n  - group: "*"\n    resources: ["*/status"]\n`)).toEqual([]);
    expect(errors(`${HEAD}- level: None\n  resources:\n  - group: "*.k8s.io"\n`)).toEqual([['bad-group', 6]]);
  });

  it('a policy with errors still gives a draft to simulate (bad parts match nothing)', () => {
    const r = parsePolicy(`${HEAD}- level: Metadata\n  resources:\n  - group: "apps/v1"\n- level: Request\n`);
    expect(r.policy).toBeUndefined();
    expect(r.draft?.rules.map((x) => x.level)).toEqual(['Metadata', 'Request']);
  });
});
