/**
 * The policy linter: validation findings plus warnings about what the policy will actually do,
 * decided by running probe requests through the real checker (checker.ts) wherever possible.
 */
import { decisionFor, matchingRule } from './checker.ts';
import { isCatchAll, ruleCovers } from './coverage.ts';
import { parsePolicy } from './parse.ts';
import {
  EXEC_TARGETS,
  SENSITIVE_TARGETS,
  SIGNIFICANT_REQUESTS,
  GENERIC_IDENTITIES,
  policyIdentities,
  policyNames,
  policyNamespaces,
  policyVerbs,
  privilegedIdentities,
  targetAttrs,
} from './probes.ts';
import type { LineLocator } from './validate.ts';
import type { Finding, Policy, RequestAttributes } from './types.ts';

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

function where(policy: Policy, index: number, lineOf: LineLocator): { line: number; name: string } {
  if (index < 0) return { line: lineOf(['rules']), name: 'no rule (default level None)' };
  return { line: policy.rules[index]?.line ?? lineOf(['rules', index]), name: `rules[${index}]` };
}

function sensitiveBodies(policy: Policy, lineOf: LineLocator): Finding[] {
  const out = new Map<string, Finding>();
  const identities = policyIdentities(policy);
  const verbs = policyVerbs(policy);
  const namespaces = policyNamespaces(policy);
  const names = policyNames(policy);
  for (const t of SENSITIVE_TARGETS) {
    for (const id of identities) for (const verb of verbs) for (const ns of namespaces) for (const name of names) {
      const i = matchingRule(policy, targetAttrs(t, id, verb, ns, name));
      const level = decisionFor(policy, i).level;
      if (level !== 'Request' && level !== 'RequestResponse') continue;
      const key = `${i}|${t.label}`;
      if (out.has(key)) continue;
      const w = where(policy, i, lineOf);
      out.set(key, {
        severity: 'warning',
        code: 'sensitive-body',
        line: w.line,
        message: `${w.name} logs ${t.label} at ${level} (e.g. ${verb} by ${id.user ?? 'anyone'}${t.clusterScoped ? '' : ` in ${ns}`}): request/response bodies carry credentials into the audit log; use Metadata`,
      });
    }
  }
  return [...out.values()];
}

function catchAll(policy: Policy, lineOf: LineLocator): Finding[] {
  const last = policy.rules[policy.rules.length - 1];
  if (last === undefined || isCatchAll(last)) return [];
  return [{
    severity: 'warning',
    code: 'no-catch-all',
    line: last.line ?? lineOf(['rules']),
    message: 'the last rule is not a catch-all: requests no rule matches are silently not audited (default level None); end with e.g. "- level: Metadata"',
  }];
}

function shadowed(policy: Policy, lineOf: LineLocator): Finding[] {
  const out: Finding[] = [];
  policy.rules.forEach((rule, j) => {
    const i = policy.rules.slice(0, j).findIndex((earlier) => ruleCovers(earlier, rule));
    if (i < 0) return;
    const by = where(policy, i, lineOf);
    out.push({
      severity: 'warning',
      code: 'shadowed-rule',
      line: rule.line ?? lineOf(['rules', j]),
      message: `rules[${j}] can never match: every request it selects is matched first by rules[${i}] (line ${by.line}); first match wins`,
    });
  });
  return out;
}

function requestReceived(policy: Policy, lineOf: LineLocator): Finding[] {
  if ((policy.omitStages ?? []).includes('RequestReceived')) return [];
  const emitting = policy.rules
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.level !== 'None' && !(r.omitStages ?? []).includes('RequestReceived'))
    .map(({ i }) => `rules[${i}]`);
  if (emitting.length === 0) return [];
  return [{
    severity: 'warning',
    code: 'request-received-not-omitted',
    line: lineOf(['omitStages']),
    message: `RequestReceived is not omitted (${emitting.slice(0, 5).join(', ')}${emitting.length > 5 ? ', ...' : ''}): every request is written twice; add "omitStages: [RequestReceived]" at the policy level`,
  }];
}

function execLogged(policy: Policy, lineOf: LineLocator): Finding[] {
  const out: Finding[] = [];
  for (const t of EXEC_TARGETS) {
    let hit: Finding | undefined;
    for (const id of GENERIC_IDENTITIES) for (const verb of ['create', 'get']) for (const ns of policyNamespaces(policy)) {
      if (hit) break;
      const i = matchingRule(policy, targetAttrs(t, id, verb, ns, 'probe-pod'));
      if (decisionFor(policy, i).level !== 'None') continue;
      const w = where(policy, i, lineOf);
      hit = {
        severity: 'warning',
        code: 'exec-not-logged',
        line: w.line,
        message: `${t.label} is not audited (${verb} by ${id.user} in ${ns} → ${w.name}): interactive access to containers must be logged, at Request or RequestResponse`,
      };
    }
    if (hit) out.push(hit);
  }
  return out;
}

function authnFailures(policy: Policy, lineOf: LineLocator): Finding[] {
  for (const probe of SIGNIFICANT_REQUESTS) {
    const attrs: RequestAttributes = { ...probe.attrs, resourceRequest: true };
    const i = matchingRule(policy, attrs);
    if (decisionFor(policy, i).level !== 'None') continue;
    const w = where(policy, i, lineOf);
    return [{
      severity: 'warning',
      code: 'authn-failures-not-logged',
      line: w.line,
      message: `failed authentication is not audited (a "${probe.label}" request without a user → ${w.name}): such requests only match rules without users/userGroups; keep a catch-all that logs at Metadata or more`,
    }];
  }
  return [];
}

function silencedIdentities(policy: Policy, lineOf: LineLocator): Finding[] {
  const out: Finding[] = [];
  for (const id of privilegedIdentities(policy)) {
    for (const probe of SIGNIFICANT_REQUESTS) {
      const attrs: RequestAttributes = { ...probe.attrs, resourceRequest: true, user: id.user, groups: id.groups };
      const i = matchingRule(policy, attrs);
      if (decisionFor(policy, i).level !== 'None') continue;
      const w = where(policy, i, lineOf);
      out.push({
        severity: 'warning',
        code: 'silenced-identity',
        line: w.line,
        message: `requests by ${id.label} are not audited ("${probe.label}" → ${w.name} at None): anonymous and cluster-admin activity must never be silenced`,
      });
      break;
    }
  }
  return out;
}

/** Semantic checks of an already valid policy. */
export function lintParsedPolicy(policy: Policy, lineOf: LineLocator): Finding[] {
  return [
    ...sensitiveBodies(policy, lineOf),
    ...catchAll(policy, lineOf),
    ...shadowed(policy, lineOf),
    ...requestReceived(policy, lineOf),
    ...execLogged(policy, lineOf),
    ...authnFailures(policy, lineOf),
    ...silencedIdentities(policy, lineOf),
  ];
}

/** Validates and lints a policy's YAML text; findings are sorted by line, errors first on a line. */
export function lintPolicy(text: string): Finding[] {
  const parsed = parsePolicy(text);
  const findings = [...parsed.findings];
  if (parsed.policy) findings.push(...lintParsedPolicy(parsed.policy, parsed.lineOf));
  return findings.sort((a, b) => a.line - b.line || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
