/**
 * The audit policy checker, with kube-apiserver's semantics
 * (k8s.io/apiserver/pkg/audit/policy/checker.go): rules are strictly ordered and the FIRST
 * matching rule wins; no match means level None with the policy-level omitStages. A rule's
 * omitStages are unioned with the policy's; a rule's omitManagedFields overrides the policy's.
 */
import { STAGES } from './types.ts';
import type { AuditDecision, Policy, PolicyRule, RequestAttributes, Stage } from './types.ts';

export const DEFAULT_LEVEL = 'None';

function has(list: readonly string[] | undefined, value: string): boolean {
  return list !== undefined && list.includes(value);
}

function nonEmpty(list: readonly unknown[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}

export function isResourceRequest(attrs: RequestAttributes): boolean {
  return attrs.resourceRequest ?? (attrs.resource !== undefined && attrs.resource !== '');
}

/** True when the request carries no user at all (authentication failed). */
function hasNoUser(attrs: RequestAttributes): boolean {
  return attrs.user === undefined && attrs.groups === undefined;
}

/** `*`, exact, or a trailing-`*` prefix (every trailing `*` trimmed, as strings.TrimRight does). */
export function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

/** Does one resource pattern of a rule match (resource, subresource)? */
export function resourcePatternMatches(pattern: string, resource: string, subresource: string): boolean {
  const combined = subresource !== '' ? `${resource}/${subresource}` : resource;
  if (pattern === combined || pattern === '*') return true;
  if (subresource !== '' && pattern.startsWith('*/') && subresource === pattern.slice(2)) return true;
  // "pods/*": note the upstream checker also lets it match "pods" itself (no subresource).
  return pattern.endsWith('/*') && resource === pattern.slice(0, -2);
}

function ruleMatchesResource(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!isResourceRequest(attrs)) return false;
  if (nonEmpty(rule.namespaces) && !has(rule.namespaces, attrs.namespace ?? '')) return false;
  if (!nonEmpty(rule.resources)) return true;
  const apiGroup = attrs.apiGroup ?? '';
  const resource = attrs.resource ?? '';
  const subresource = attrs.subresource ?? '';
  const name = attrs.name ?? '';
  for (const gr of rule.resources ?? []) {
    // "*" matches every API group (kube-apiserver since kubernetes/kubernetes#135262)
    if (gr.group !== '*' && (gr.group ?? '') !== apiGroup) continue;
    if (!nonEmpty(gr.resources)) return true;
    if (nonEmpty(gr.resourceNames) && !has(gr.resourceNames, name)) continue;
    for (const pattern of gr.resources ?? []) {
      if (resourcePatternMatches(pattern, resource, subresource)) return true;
    }
  }
  return false;
}

function ruleMatchesNonResource(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (isResourceRequest(attrs)) return false;
  const path = attrs.path ?? '';
  return (rule.nonResourceURLs ?? []).some((spec) => pathMatches(path, spec));
}

/** Does this rule match the request? Every field given must match (an intersection). */
export function ruleMatches(rule: PolicyRule, attrs: RequestAttributes): boolean {
  const noUser = hasNoUser(attrs);
  if (nonEmpty(rule.users) && (noUser || !has(rule.users, attrs.user ?? ''))) return false;
  if (nonEmpty(rule.userGroups)) {
    if (noUser) return false;
    if (!(attrs.groups ?? []).some((g) => has(rule.userGroups, g))) return false;
  }
  if (nonEmpty(rule.verbs) && !has(rule.verbs, attrs.verb ?? '')) return false;
  if (nonEmpty(rule.namespaces) || nonEmpty(rule.resources)) return ruleMatchesResource(rule, attrs);
  if (nonEmpty(rule.nonResourceURLs)) return ruleMatchesNonResource(rule, attrs);
  return true;
}

/** Index of the first rule matching the request, or -1. */
export function matchingRule(policy: Policy, attrs: RequestAttributes): number {
  return policy.rules.findIndex((rule) => ruleMatches(rule, attrs));
}

export function unionStages(...lists: Array<readonly Stage[] | undefined>): Stage[] {
  const set = new Set<string>();
  for (const l of lists) for (const s of l ?? []) set.add(s);
  const known = STAGES.filter((s) => set.has(s));
  // unknown stages (only in unvalidated input) keep their order after the known ones
  const extra = [...set].filter((s) => !(STAGES as readonly string[]).includes(s)) as Stage[];
  return [...known, ...extra];
}

/** The decision kube-apiserver's policy checker makes for one request. */
export function evaluatePolicy(policy: Policy, attrs: RequestAttributes): AuditDecision {
  return decisionFor(policy, matchingRule(policy, attrs));
}

/** The decision when rule `index` matched (-1: none matched). */
export function decisionFor(policy: Policy, index: number): AuditDecision {
  const rule = index >= 0 ? policy.rules[index] : undefined;
  if (rule === undefined) {
    return {
      level: DEFAULT_LEVEL,
      omitStages: unionStages(policy.omitStages),
      omitManagedFields: policy.omitManagedFields ?? false,
    };
  }
  return {
    level: rule.level,
    omitStages: unionStages(policy.omitStages, rule.omitStages),
    omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false,
  };
}
