import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from './checker.ts';
import { generatePolicy, PROFILES } from './generate.ts';
import { lintPolicy } from './lint.ts';
import { loadPolicy, parsePolicy } from './parse.ts';
import type { RequestAttributes } from './types.ts';

const alice = { user: 'alice@example.com', groups: ['system:authenticated'] };
const r = (a: Partial<RequestAttributes>): RequestAttributes => ({ ...alice, resourceRequest: a.path === undefined, ...a });

describe.each(PROFILES)('generatePolicy(%s)', (profile) => {
  const text = generatePolicy(profile);
  const policy = loadPolicy(text);

  it('passes validation and lints clean', () => {
    expect(parsePolicy(text).findings).toEqual([]);
    expect(lintPolicy(text)).toEqual([]);
  });
  it('is commented and omits RequestReceived', () => {
    expect(text).toContain(`profile "${profile}"`);
    expect(text.match(/^\s*# /gm)?.length ?? 0).toBeGreaterThan(policy.rules.length);
    expect(policy.omitStages).toEqual(['RequestReceived']);
  });
  it('records K05 significant events at the right levels', () => {
    const lv = (a: Partial<RequestAttributes>) => evaluatePolicy(policy, r(a)).level;
    expect(lv({ verb: 'get', resource: 'secrets', namespace: 'default', name: 'db' })).toBe('Metadata');
    expect(lv({ verb: 'update', resource: 'configmaps', namespace: 'kube-system', name: 'x' })).toBe('Metadata');
    expect(lv({ verb: 'create', apiGroup: 'authentication.k8s.io', resource: 'tokenreviews' })).toBe('Metadata');
    expect(lv({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'default', name: 'p' })).toBe(profile === 'forensic' ? 'RequestResponse' : 'Request');
    expect(lv({ verb: 'create', resource: 'pods', subresource: 'portforward', namespace: 'default', name: 'p' })).not.toBe('None');
    expect(lv({ verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', name: 'x' })).toBe('RequestResponse');
    expect(lv({ verb: 'get', path: '/readyz' })).toBe('None');
    expect(lv({ verb: 'get', path: '/api/v1' })).toBe('Metadata');
    expect(lv({ user: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'], verb: 'patch', resource: 'nodes', subresource: 'status', name: 'n1' })).toBe('None');
    expect(lv({ user: 'system:node:n1', groups: ['system:nodes'], verb: 'update', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: 'n1' })).toBe('None');
    expect(lv({ user: 'system:kube-proxy', groups: ['system:authenticated'], verb: 'watch', apiGroup: 'discovery.k8s.io', resource: 'endpointslices' })).toBe('None');
    expect(lv({ verb: 'create', resource: 'events', namespace: 'default' })).toBe('None');
    // failed authentication: no user at all
    expect(evaluatePolicy(policy, { verb: 'get', resource: 'pods', namespace: 'default' }).level).toBe('Metadata');
    expect(lv({ user: 'system:anonymous', groups: ['system:unauthenticated'], verb: 'get', resource: 'pods', namespace: 'default' })).toBe('Request');
  });
});

describe('generatePolicy profiles differ', () => {
  it('recommended logs workload changes with bodies, minimal does not', () => {
    const create = r({ verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'default', name: 'web' });
    expect(evaluatePolicy(loadPolicy(generatePolicy('minimal')), create).level).toBe('Metadata');
    expect(evaluatePolicy(loadPolicy(generatePolicy('recommended')), create).level).toBe('Request');
    expect(evaluatePolicy(loadPolicy(generatePolicy('forensic')), create).level).toBe('RequestResponse');
  });
  it('forensic keeps managedFields', () => {
    expect(loadPolicy(generatePolicy('forensic')).omitManagedFields).toBe(false);
    expect(loadPolicy(generatePolicy('minimal')).omitManagedFields).toBe(true);
  });
});
