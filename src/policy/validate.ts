/**
 * Validation of a decoded Policy object, with kube-apiserver's rules
 * (k8s.io/apiserver/pkg/apis/audit/validation and audit/policy/reader.go) as errors, and
 * mistakes kube-apiserver silently accepts (unknown fields, patterns that never match) as warnings.
 */
import { LEVELS, STAGES } from './types.ts';
import type { Finding, GroupResources, Level, Policy, PolicyRule, Stage } from './types.ts';

export type PathSegment = string | number;
/** 1-based line of the node at `path` (the key's line for a map entry); falls back to the parent. */
export type LineLocator = (path: readonly PathSegment[]) => number;

const POLICY_FIELDS = ['apiVersion', 'kind', 'metadata', 'rules', 'omitStages', 'omitManagedFields'];
const RULE_FIELDS = ['level', 'users', 'userGroups', 'verbs', 'resources', 'namespaces', 'nonResourceURLs', 'omitStages', 'omitManagedFields'];
const GROUP_FIELDS = ['group', 'resources', 'resourceNames'];
const HINTS: Record<string, string> = {
  resource: 'resources', namespace: 'namespaces', user: 'users', groups: 'userGroups', usergroups: 'userGroups',
  verb: 'verbs', nonresourceurls: 'nonResourceURLs', nonresourceurl: 'nonResourceURLs', omitstages: 'omitStages',
  omitstage: 'omitStages', resourcename: 'resourceNames', resourcenames: 'resourceNames', apigroup: 'group',
  apigroups: 'group', omitmanagedfields: 'omitManagedFields',
};
const KNOWN_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'post', 'put', 'head', 'options'];
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** the resource pattern forms the checker can match: r, r/s, *, r/*, * /s (no space) */
const RESOURCE_FORM = /^(\*|[^*/]+(\/([^*/]+|\*))?|\*\/[^*/]+)$/;

type Path = PathSegment[];

class Ctx {
  readonly findings: Finding[] = [];
  constructor(private readonly lineOf: LineLocator) {}
  error(path: Path, code: string, message: string): void {
    this.findings.push({ severity: 'error', code, line: this.lineOf(path), message: `${fmt(path)}: ${message}` });
  }
  warn(path: Path, code: string, message: string): void {
    this.findings.push({ severity: 'warning', code, line: this.lineOf(path), message: `${fmt(path)}: ${message}` });
  }
  line(path: Path): number {
    return this.lineOf(path);
  }
}

function fmt(path: Path): string {
  if (path.length === 0) return '(root)';
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownFields(ctx: Ctx, obj: Record<string, unknown>, known: string[], path: Path, what: string): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const hint = HINTS[key.toLowerCase()] ?? known.find((k) => k.toLowerCase() === key.toLowerCase());
    ctx.warn([...path, key], 'unknown-field', `unknown ${what} field "${key}" is ignored by kube-apiserver${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
}

/** A list of strings (null/absent = empty), else an error. */
function stringList(ctx: Ctx, v: unknown, path: Path): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    ctx.error(path, 'bad-type', `must be a list of strings, got ${typeof v === 'string' ? `the string "${v}"` : typeof v}`);
    return [];
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item === 'string') out.push(item);
    else ctx.error([...path, i], 'bad-type', `must be a string, got ${item === null ? 'null' : typeof item}`);
  });
  return out;
}

function stages(ctx: Ctx, v: unknown, path: Path): Stage[] {
  const list = stringList(ctx, v, path);
  list.forEach((s, i) => {
    if (!(STAGES as readonly string[]).includes(s)) {
      ctx.error([...path, i], 'bad-stage', `unknown stage "${s}": allowed stages are ${STAGES.join(',')}`);
    }
  });
  return list.filter((s): s is Stage => (STAGES as readonly string[]).includes(s));
}

function bool(ctx: Ctx, v: unknown, path: Path): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  ctx.error(path, 'bad-type', `must be true or false, got ${JSON.stringify(v)}`);
  return undefined;
}

function level(ctx: Ctx, v: unknown, path: Path): Level {
  if (v === undefined || v === null || v === '') {
    ctx.error(path, 'missing-level', 'Required value: every rule needs a level (None, Metadata, Request, RequestResponse)');
    return 'None';
  }
  const known = LEVELS.find((l) => l === v);
  if (known) return known;
  const hint = typeof v === 'string' ? LEVELS.find((l) => l.toLowerCase() === v.toLowerCase()) : undefined;
  ctx.error(path, 'bad-level', `Unsupported value ${JSON.stringify(v)}: supported values are ${LEVELS.join(', ')}${hint ? ` (levels are case-sensitive: "${hint}")` : ''}`);
  return 'None';
}

function groupResources(ctx: Ctx, v: unknown, path: Path): GroupResources[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    ctx.error(path, 'bad-type', 'must be a list of {group, resources, resourceNames}');
    return [];
  }
  return v.map((item, i): GroupResources => {
    const p = [...path, i];
    if (!isObject(item)) {
      ctx.error(p, 'bad-type', 'must be a mapping with group, resources, resourceNames');
      return { group: '\u0000invalid', resources: [], resourceNames: [] };
    }
    unknownFields(ctx, item, GROUP_FIELDS, p, 'resources');
    let group = '';
    if (item.group !== undefined && item.group !== null) {
      if (typeof item.group !== 'string') ctx.error([...p, 'group'], 'bad-type', 'must be a string');
      else group = item.group;
    }
    // "*" matches every API group (kube-apiserver since kubernetes/kubernetes#135262)
    if (group !== '' && group !== '*' && (group.length > 253 || !DNS_SUBDOMAIN.test(group))) {
      const why = group.includes('/') ? ' (give the group without its version, e.g. "rbac.authorization.k8s.io")' : '';
      ctx.error([...p, 'group'], 'bad-group', `Invalid value "${group}": a group must be a lowercase DNS subdomain${why}`);
    }
    const resources = stringList(ctx, item.resources, [...p, 'resources']);
    const resourceNames = stringList(ctx, item.resourceNames, [...p, 'resourceNames']);
    if (resourceNames.length > 0 && resources.length === 0) {
      ctx.error([...p, 'resourceNames'], 'resource-names-without-resources', 'using resourceNames requires at least one resource');
    }
    resources.forEach((r, j) => {
      if (!RESOURCE_FORM.test(r)) {
        ctx.warn([...p, 'resources', j], 'resource-wildcard', `"${r}" can never match: "*" is only allowed as "*", "<resource>/*" or "*/<subresource>"`);
      }
    });
    return { group, resources, resourceNames };
  });
}

function nonResourceURLs(ctx: Ctx, urls: string[], path: Path): void {
  urls.forEach((url, i) => {
    if (url === '*') return;
    if (!url.startsWith('/')) ctx.error([...path, i], 'bad-nonresource-url', `"${url}": non-resource URL rules must begin with a '/' character`);
    if (url !== '' && url.slice(0, -1).includes('*')) {
      ctx.error([...path, i], 'bad-nonresource-url', `"${url}": non-resource URL wildcards '*' must be the final character of the rule`);
    }
  });
}

function rule(ctx: Ctx, v: unknown, path: Path): PolicyRule | undefined {
  if (!isObject(v)) {
    ctx.error(path, 'bad-type', 'a rule must be a mapping');
    return undefined;
  }
  unknownFields(ctx, v, RULE_FIELDS, path, 'rule');
  const r: PolicyRule = {
    level: level(ctx, v.level, [...path, 'level']),
    users: stringList(ctx, v.users, [...path, 'users']),
    userGroups: stringList(ctx, v.userGroups, [...path, 'userGroups']),
    verbs: stringList(ctx, v.verbs, [...path, 'verbs']),
    resources: groupResources(ctx, v.resources, [...path, 'resources']),
    namespaces: stringList(ctx, v.namespaces, [...path, 'namespaces']),
    nonResourceURLs: stringList(ctx, v.nonResourceURLs, [...path, 'nonResourceURLs']),
    omitStages: stages(ctx, v.omitStages, [...path, 'omitStages']),
    line: ctx.line(path),
  };
  const omf = bool(ctx, v.omitManagedFields, [...path, 'omitManagedFields']);
  if (omf !== undefined) r.omitManagedFields = omf;
  nonResourceURLs(ctx, r.nonResourceURLs ?? [], [...path, 'nonResourceURLs']);
  if ((r.nonResourceURLs ?? []).length > 0 && ((r.resources ?? []).length > 0 || (r.namespaces ?? []).length > 0)) {
    ctx.error([...path, 'nonResourceURLs'], 'mixed-resource-nonresource', 'rules cannot apply to both regular resources and non-resource URLs (nonResourceURLs with resources or namespaces)');
  }
  (r.verbs ?? []).forEach((verb, i) => {
    if (!KNOWN_VERBS.includes(verb)) {
      const lower = KNOWN_VERBS.includes(verb.toLowerCase()) ? ` (verbs are lowercase: "${verb.toLowerCase()}")` : '';
      ctx.warn([...path, 'verbs', i], 'unknown-verb', `"${verb}" is not a request verb kube-apiserver records${lower}`);
    }
  });
  return r;
}

/**
 * Validates a decoded policy; `policy` is undefined when any error was found. `draft` is the policy
 * as far as it could be read even with errors (bad parts left out or matching nothing), for
 * `policy simulate` to show what a broken policy would do; undefined when it is not a mapping.
 */
export function validatePolicyObject(obj: unknown, lineOf: LineLocator): { policy: Policy | undefined; draft?: Policy; findings: Finding[] } {
  const ctx = new Ctx(lineOf);
  if (!isObject(obj)) {
    ctx.error([], 'bad-type', 'an audit policy must be a YAML mapping (apiVersion: audit.k8s.io/v1, kind: Policy, rules: [...])');
    return { policy: undefined, findings: ctx.findings };
  }
  unknownFields(ctx, obj, POLICY_FIELDS, [], 'policy');
  if (obj.apiVersion === undefined) ctx.error([], 'bad-api-version', 'apiVersion is required: audit.k8s.io/v1');
  else if (obj.apiVersion !== 'audit.k8s.io/v1') {
    const old = obj.apiVersion === 'audit.k8s.io/v1beta1' || obj.apiVersion === 'audit.k8s.io/v1alpha1';
    ctx.error(['apiVersion'], 'bad-api-version', `unknown group version ${JSON.stringify(obj.apiVersion)}: use audit.k8s.io/v1${old ? ' (v1alpha1 and v1beta1 are no longer served)' : ''}`);
  }
  if (obj.kind !== 'Policy') ctx.error(obj.kind === undefined ? [] : ['kind'], 'bad-kind', `kind must be "Policy"${obj.kind === undefined ? '' : `, got ${JSON.stringify(obj.kind)}`}`);
  const rules: PolicyRule[] = [];
  if (obj.rules !== undefined && obj.rules !== null && !Array.isArray(obj.rules)) {
    ctx.error(['rules'], 'bad-type', 'rules must be a list');
  } else {
    const list = (obj.rules ?? []) as unknown[];
    if (list.length === 0) ctx.error(obj.rules === undefined ? [] : ['rules'], 'no-rules', 'loaded illegal policy with 0 rules: a policy needs at least one rule');
    list.forEach((v, i) => {
      const r = rule(ctx, v, ['rules', i]);
      if (r) rules.push(r);
    });
  }
  const policy: Policy = {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined,
    kind: typeof obj.kind === 'string' ? obj.kind : undefined,
    rules,
    omitStages: stages(ctx, obj.omitStages, ['omitStages']),
    omitManagedFields: bool(ctx, obj.omitManagedFields, ['omitManagedFields']) ?? false,
  };
  const hasErrors = ctx.findings.some((f) => f.severity === 'error');
  ctx.findings.sort((a, b) => a.line - b.line);
  return { policy: hasErrors ? undefined : policy, draft: policy, findings: ctx.findings };
}
