/**
 * Probe requests for the linter: concrete request attributes built from well-known risky
 * requests and from the names the policy itself mentions, so the linter can ask the real
 * checker what would happen instead of guessing from the YAML text.
 */
import type { Policy, RequestAttributes } from './types.ts';

export interface Identity {
  label: string;
  user?: string;
  groups?: string[];
}

export interface Target {
  label: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  clusterScoped?: boolean;
}

export const RESOURCE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** Resources whose request or response bodies carry credentials or other secrets. */
export const SENSITIVE_TARGETS: Target[] = [
  { label: 'secrets', apiGroup: '', resource: 'secrets' },
  { label: 'configmaps', apiGroup: '', resource: 'configmaps' },
  { label: 'serviceaccounts/token', apiGroup: '', resource: 'serviceaccounts', subresource: 'token' },
  { label: 'tokenreviews', apiGroup: 'authentication.k8s.io', resource: 'tokenreviews', clusterScoped: true },
];

/** Interactive access to a running container. */
export const EXEC_TARGETS: Target[] = [
  { label: 'pods/exec', apiGroup: '', resource: 'pods', subresource: 'exec' },
  { label: 'pods/attach', apiGroup: '', resource: 'pods', subresource: 'attach' },
  { label: 'pods/portforward', apiGroup: '', resource: 'pods', subresource: 'portforward' },
];

/** Requests that must leave a trace whoever makes them. */
export const SIGNIFICANT_REQUESTS: Array<{ label: string; attrs: RequestAttributes }> = [
  { label: 'create pods', attrs: { verb: 'create', apiGroup: '', resource: 'pods', namespace: 'default' } },
  { label: 'get secrets', attrs: { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'kube-system', name: 'x' } },
  { label: 'list secrets', attrs: { verb: 'list', apiGroup: '', resource: 'secrets', namespace: 'default' } },
  { label: 'create clusterrolebindings', attrs: { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', namespace: '' } },
  { label: 'delete namespaces', attrs: { verb: 'delete', apiGroup: '', resource: 'namespaces', namespace: 'x', name: 'x' } },
];

export const GENERIC_IDENTITIES: Identity[] = [
  { label: 'an authenticated user', user: 'alice@example.com', groups: ['system:authenticated'] },
  {
    label: 'a service account',
    user: 'system:serviceaccount:default:app',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
  },
];

const NEVER_SILENCE = /^system:(anonymous|unauthenticated|masters)$|admin/i;

/** Identities whose requests must never be dropped: anonymous, system:masters, admin-like names. */
export function privilegedIdentities(policy: Policy): Identity[] {
  const out: Identity[] = [
    { label: 'user system:anonymous', user: 'system:anonymous', groups: ['system:unauthenticated'] },
    { label: 'group system:masters', user: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
  ];
  const covered = new Set(['system:anonymous', 'system:unauthenticated', 'system:masters']);
  for (const r of policy.rules) {
    for (const u of r.users ?? []) {
      if (NEVER_SILENCE.test(u) && !covered.has(u)) out.push({ label: `user ${u}`, user: u, groups: ['system:authenticated'] });
      covered.add(u);
    }
    for (const g of r.userGroups ?? []) {
      if (NEVER_SILENCE.test(g) && !covered.has(g)) out.push({ label: `group ${g}`, user: 'probe-user', groups: [g] });
      covered.add(g);
    }
  }
  return out;
}

/** The generic identities plus one per distinct user / group the policy names. */
export function policyIdentities(policy: Policy): Identity[] {
  const out = [...GENERIC_IDENTITIES];
  for (const r of policy.rules) {
    const groups = (r.userGroups ?? []).length > 0 ? r.userGroups ?? [] : ['system:authenticated'];
    const users = (r.users ?? []).length > 0 ? r.users ?? [] : ['probe-user'];
    for (const user of users) for (const g of groups) out.push({ label: user, user, groups: [g, 'system:authenticated'] });
  }
  return dedupe(out);
}

function dedupe(ids: Identity[]): Identity[] {
  const seen = new Set<string>();
  return ids.filter((i) => {
    const k = `${i.user ?? ''}|${(i.groups ?? []).join(',')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function policyVerbs(policy: Policy): string[] {
  return [...new Set([...RESOURCE_VERBS, ...policy.rules.flatMap((r) => r.verbs ?? [])])];
}

export function policyNamespaces(policy: Policy): string[] {
  const named = policy.rules.flatMap((r) => r.namespaces ?? []).filter((n) => n !== '');
  return [...new Set(['default', 'kube-system', ...named])];
}

export function policyNames(policy: Policy): string[] {
  const named = policy.rules.flatMap((r) => (r.resources ?? []).flatMap((g) => g.resourceNames ?? []));
  return [...new Set(['probe-object', ...named])];
}

export function targetAttrs(t: Target, identity: Identity, verb: string, namespace: string, name: string): RequestAttributes {
  const a: RequestAttributes = {
    verb,
    apiGroup: t.apiGroup,
    resource: t.resource,
    namespace: t.clusterScoped ? '' : namespace,
    name: verb === 'list' || verb === 'watch' || verb === 'deletecollection' ? '' : name,
    resourceRequest: true,
  };
  if (t.subresource) a.subresource = t.subresource;
  if (identity.user !== undefined) a.user = identity.user;
  if (identity.groups !== undefined) a.groups = identity.groups;
  return a;
}
