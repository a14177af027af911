/**
 * Sigma "pipelines": per logsource, the Argus event source a rule runs on and how each Sigma
 * field becomes engine fields (several fields = OR). `lower` marks fields whose values are
 * lower-case by definition (Kubernetes verbs, resources, API groups, namespaces), so a
 * case-insensitive equality can be an exact `=` / `in` on the lower-cased value (and the
 * engine can index the rule by verb and resource).
 */
import { rewriteGcpCheck } from './gcp-method.ts';
import { toksText } from './modifiers.ts';
import type { Check, Cond, Result } from './types.ts';
import { fail, lit, ok, strCheck } from './types.ts';

export interface EngineField {
  name: string;
  list: boolean;
  lower: boolean;
}

export interface Pipeline {
  name: string;
  /** Argus LogEvent source the rule is bound to */
  source: string;
  /** output template fields (before the attribution) */
  output: string;
  /** rewrites checks on fields that have no direct counterpart (GCP method names); undefined = keep */
  rewrite?: (c: Check) => Result<Cond> | undefined;
  map: (field: string) => Result<EngineField[]>;
}

export interface LogSource {
  product?: string;
  service?: string;
  category?: string;
}

const f = (name: string, lower = false, list = false): EngineField => ({ name, list, lower });

/** product: kubernetes, service: audit — the raw audit Event in attrs (docs/sigma-import.md). */
export const K8S_AUDIT_FIELDS: Record<string, EngineField[]> = {
  verb: [f('ka.verb', true)],
  'objectRef.resource': [f('ka.target.resource', true)],
  'objectRef.subresource': [f('ka.target.subresource', true)],
  'objectRef.namespace': [f('ka.target.namespace', true)],
  'objectRef.name': [f('ka.target.name')],
  'objectRef.apiGroup': [f('attrs.objectRef.apiGroup', true)],
  // SigmaHQ rules write `apiGroup` for objectRef.apiGroup (samples README quirk)
  apiGroup: [f('attrs.objectRef.apiGroup', true)],
  'objectRef.apiVersion': [f('attrs.objectRef.apiVersion', true)],
  'user.username': [f('ka.user.name')],
  'user.groups': [f('ka.user.groups', false, true)],
  'impersonatedUser.username': [f('ka.impuser.name')],
  sourceIPs: [f('ka.sourceips', false, true)],
  userAgent: [f('ka.useragent')],
  requestURI: [f('ka.uri')],
  // numeric in the Event: attrs keeps the number, so 401 and lt/gt compare as numbers
  'responseStatus.code': [f('attrs.responseStatus.code')],
  'responseStatus.reason': [f('ka.response.reason')],
  'annotations.authorization.k8s.io/decision': [f('ka.auth.decision', true)],
  'annotations.authorization.k8s.io/reason': [f('ka.auth.reason')],
  stage: [f('ka.stage')],
  auditID: [f('ka.auditid')],
  // SigmaHQ shorthand: any hostPath volume of the pod being created
  hostPath: [f('ka.req.pod.volumes.hostpath', false, true)],
  // SigmaHQ shorthand: capabilities added by any container of the pod
  capabilities: ['containers', 'initContainers', 'ephemeralContainers'].map((k) => f(`ka.req.pod.${k}.add_capabilities`, false, true)),
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A JSON path into attrs: `attrs.a.b`, `attrs.a[last.key/with-dots]`, else `jevt.value[/json/pointer]`. */
export function attrsPath(path: string): EngineField {
  const segs = path.split('.');
  if (segs.every((s) => IDENT.test(s))) return f(`attrs.${path}`);
  if (segs[0] === 'annotations' && segs.length > 1) return f(`attrs.annotations[${segs.slice(1).join('.')}]`);
  const head = segs.findIndex((s) => !IDENT.test(s));
  if (head > 0 && head === segs.length - 1 && !/[\]\s"']/.test(segs[head]!)) {
    return f(`attrs.${segs.slice(0, head).join('.')}[${segs[head]!}]`);
  }
  return f(`jevt.value[${'/' + segs.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}]`);
}

function mapK8s(field: string): Result<EngineField[]> {
  const known = K8S_AUDIT_FIELDS[field];
  if (known) return ok(known);
  if (/[\]\s"']/.test(field)) return fail(`field '${field}' cannot be expressed as an audit Event path`);
  return ok([attrsPath(field)]);
}

const K8S_OUTPUT =
  'user=%ka.user.name verb=%ka.verb resource=%ka.target.resource subresource=%ka.target.subresource ' +
  'namespace=%ka.target.namespace name=%ka.target.name code=%ka.response.code';

const DECISIONS: Record<string, string> = { allow: 'allow', forbid: 'forbid', deny: 'forbid' };

/**
 * SigmaHQ quirk: `responseStatus.code: 'ALLOW'` (a word where the Event has an HTTP number) means the
 * authorization decision, which the apiserver records in the `authorization.k8s.io/decision` annotation.
 */
function rewriteK8sCheck(c: Check): Result<Cond> | undefined {
  if (c.field !== 'responseStatus.code' || c.value.kind !== 'str') return undefined;
  const word = toksText(c.value.toks)?.toLowerCase();
  const decision = word === undefined ? undefined : DECISIONS[word];
  return decision ? ok(strCheck('annotations.authorization.k8s.io/decision', lit(decision))) : undefined;
}

const K8S: Pipeline = { name: 'kubernetes/audit', source: 'k8s_audit', output: K8S_OUTPUT, rewrite: rewriteK8sCheck, map: mapK8s };

/** GCP audit logs: only the Kubernetes API entries Argus stores (GKE LogEntries converted to audit Events). */
const GCP: Pipeline = {
  name: 'gcp/gcp.audit',
  source: 'k8s_audit',
  output: K8S_OUTPUT,
  rewrite: rewriteGcpCheck,
  map: (field) => {
    if (field === 'user.username' || field in K8S_AUDIT_FIELDS) return mapK8s(field);
    return fail(`GCP field '${field}' is not kept in the audit Events Argus stores for GKE (mapped: gcp.audit.method_name, gcp.audit.principal_email)`);
  },
};

/**
 * Azure activity logs: Argus stores each record as a `source: azure_activity` event with the record in attrs
 * (diagnostic-settings shape, `operationName` a string; the REST shape `{operationName: {value}}` also matches).
 */
const AZURE: Pipeline = {
  name: 'azure/activitylogs',
  source: 'azure_activity',
  output: 'operation=%attrs.operationName caller=%attrs.caller resource=%attrs.resourceId result=%attrs.resultType',
  map: (field) => {
    if (/[\]\s"']/.test(field)) return fail(`field '${field}' cannot be expressed as a record path`);
    if (field === 'operationName') return ok([f('attrs.operationName'), f('attrs.operationName.value')]);
    return ok([attrsPath(field)]);
  },
};

export function pipelineFor(ls: LogSource): Result<Pipeline> {
  const desc = JSON.stringify(ls);
  if (ls.product === 'kubernetes' && ls.service === 'audit' && (ls.category === undefined || ls.category === 'application')) return ok(K8S);
  if (ls.product === 'gcp' && ls.service === 'gcp.audit' && ls.category === undefined) return ok(GCP);
  if (ls.product === 'azure' && ls.service === 'activitylogs' && ls.category === undefined) return ok(AZURE);
  return fail(`logsource ${desc} is not supported (supported: kubernetes/audit, gcp/gcp.audit, azure/activitylogs)`);
}
