/**
 * `ka.*` fields over a k8s_audit LogEvent's `attrs` (the raw audit Event), with the k8saudit
 * plugin's extraction semantics (falcosecurity/plugins plugins/k8saudit/pkg/k8saudit/extract.go).
 * Every value is a string (non-strings are their compact JSON); list fields are string arrays;
 * an event without `auditID` has no ka.* values at all.
 *
 * Deliberate differences, where the plugin contradicts its own field documentation:
 * `ka.sourceips` reads the top-level `sourceIPs` (the plugin reads requestObject.rules.sourceIPs),
 * `*.eff_run_as_user/group` read `securityContext.runAs*` of the pod and the containers, and
 * `*.add_capabilities` lists capability names (the plugin yields each container's JSON array).
 */
import type { FieldValue } from './json-values.ts';
import { asString, getKey, getPath, listValue, stringsSkipMissing } from './json-values.ts';
import type { Json } from './fields-k8s-spec.ts';
import { containerFields, containerValues, cpath, images, indexed, list, recursive, repositories, str } from './fields-k8s-spec.ts';
import type { ArgKind, AuditFieldDef } from './fields-k8s-spec.ts';
import { PODSPEC_FIELDS } from './fields-podspec.ts';

export type { ArgKind, AuditFieldDef };

function subjectNames(ev: Json, kind: string, namespaced: boolean): FieldValue {
  const subjects = getPath(ev, ['requestObject', 'subjects']);
  if (subjects === undefined) return undefined;
  if (!Array.isArray(subjects)) return undefined;
  const out: string[] = [];
  for (const s of subjects) {
    const k = getKey(s, 'kind');
    const n = getKey(s, 'name');
    if (k === undefined || n === undefined || asString(k) !== kind) continue;
    if (namespaced) {
      const ns = getKey(s, 'namespace');
      if (ns === undefined) continue;
      out.push(`${asString(ns)}:${asString(n)}`);
    } else out.push(asString(n)!);
  }
  return listValue(out);
}

function rulesField(key: string) {
  return indexed((ev, i) => {
    const arr = recursive(ev, i, ['requestObject', 'rules', key]);
    if (!arr) return undefined;
    const out: string[] = [];
    for (const v of arr) if (Array.isArray(v)) out.push(...stringsSkipMissing(v));
    return listValue(out);
  });
}

function uriParam(ev: Json, key: string): FieldValue {
  const uri = asString(getKey(ev, 'requestURI'));
  if (uri === undefined) return undefined;
  try {
    const q = new URL(uri, 'http://apiserver.invalid').searchParams.get(key);
    return q ?? undefined;
  } catch {
    return undefined;
  }
}

const privilegedAny = (ev: Json): FieldValue => {
  const arr = containerValues(ev, cpath('containers', 'securityContext.privileged'), -1);
  if (!arr) return undefined;
  return arr.some((v) => v === true) ? 'true' : 'false';
};

function volumeHostpathMatch(arg: string | undefined) {
  const a = arg ?? '';
  const prefix = a.endsWith('*') ? a.slice(0, -1) : undefined;
  return (ev: Json): FieldValue => {
    const arr = recursive(ev, -1, ['requestObject', 'spec', 'volumes', 'hostPath', 'path']);
    if (!arr) return undefined;
    const hit = stringsSkipMissing(arr).some((v) => (prefix !== undefined && v.startsWith(prefix)) || v === a);
    return hit ? 'true' : 'false';
  };
}

function volumeTypes(ev: Json, index: number): FieldValue {
  const arr = recursive(ev, index, ['requestObject', 'spec', 'volumes', '']);
  if (!arr) return undefined;
  const out: string[] = [];
  for (const v of arr) {
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...Object.keys(v).filter((k) => k !== 'name'));
  }
  return listValue(out);
}

export const AUDIT_FIELDS: Record<string, AuditFieldDef> = {
  'ka.auditid': str('auditID'),
  'ka.stage': str('stage'),
  'ka.auth.decision': str('annotations', 'authorization.k8s.io/decision'),
  'ka.auth.reason': str('annotations', 'authorization.k8s.io/reason'),
  'ka.auth.openshift.decision': str('annotations', 'authentication.openshift.io/decision'),
  'ka.auth.openshift.username': str('annotations', 'authentication.openshift.io/username'),
  'ka.validations.admission.policy.failure': str('annotations', 'validation.policy.admission.k8s.io/validation_failure'),
  'ka.security.pod.violations': str('annotations', 'pod-security.kubernetes.io/audit-violations'),
  'ka.user.name': str('user', 'username'),
  'ka.user.groups': list('user', 'groups'),
  'ka.impuser.name': str('impersonatedUser', 'username'),
  'ka.verb': str('verb'),
  'ka.uri': str('requestURI'),
  'ka.uri.param': { isList: false, arg: 'key', make: (arg) => (ev) => uriParam(ev, arg ?? '') },
  'ka.target.name': str('objectRef', 'name'),
  'ka.target.namespace': str('objectRef', 'namespace'),
  'ka.target.resource': str('objectRef', 'resource'),
  'ka.target.subresource': str('objectRef', 'subresource'),
  'ka.target.pod.name': {
    isList: false,
    arg: 'none',
    make: () => (ev) => {
      if (getPath(ev, ['objectRef', 'resource']) !== 'pods') return undefined;
      const sub = getPath(ev, ['objectRef', 'subresource']);
      if (typeof sub === 'string' && sub !== '') return undefined;
      return asString(getPath(ev, ['responseObject', 'metadata', 'name']));
    },
  },
  'ka.req.binding.subjects': list('requestObject', 'subjects'),
  'ka.req.binding.subjects.user_names': { isList: true, arg: 'none', make: () => (ev) => subjectNames(ev, 'User', false) },
  'ka.req.binding.subjects.serviceaccount_names': { isList: true, arg: 'none', make: () => (ev) => subjectNames(ev, 'ServiceAccount', false) },
  'ka.req.binding.subjects.serviceaccount_ns_names': { isList: true, arg: 'none', make: () => (ev) => subjectNames(ev, 'ServiceAccount', true) },
  'ka.req.binding.subjects.group_names': { isList: true, arg: 'none', make: () => (ev) => subjectNames(ev, 'Group', false) },
  'ka.req.binding.role': str('requestObject', 'roleRef', 'name'),
  // deprecated; the plugin always answers "true"
  'ka.req.binding.subject.has_name': { isList: false, arg: 'key', make: () => () => 'true' },
  'ka.req.configmap.name': str('objectRef', 'name'),
  'ka.req.configmap.obj': str('requestObject', 'data'),
  'ka.req.container.image': { isList: false, arg: 'none', make: () => (ev) => images(ev, 'containers', 0)?.[0] },
  'ka.req.container.image.repository': { isList: false, arg: 'none', make: () => (ev) => repositories(ev, 'containers', 0)?.[0] },
  'ka.req.container.privileged': { isList: false, arg: 'none', make: () => privilegedAny },
  'ka.req.pod.host_ipc': str('requestObject', 'spec', 'hostIPC'),
  'ka.req.pod.host_network': str('requestObject', 'spec', 'hostNetwork'),
  'ka.req.container.host_network': str('requestObject', 'spec', 'hostNetwork'),
  'ka.req.pod.host_pid': str('requestObject', 'spec', 'hostPID'),
  'ka.req.pod.run_as_user': str('requestObject', 'spec', 'securityContext', 'runAsUser'),
  'ka.req.pod.run_as_group': str('requestObject', 'spec', 'securityContext', 'runAsGroup'),
  'ka.req.pod.fs_group': str('requestObject', 'spec', 'securityContext', 'fsGroup'),
  'ka.req.pod.supplemental_groups': list('requestObject', 'spec', 'securityContext', 'supplementalGroups'),
  'ka.req.role.rules': list('requestObject', 'rules'),
  'ka.req.role.rules.apiGroups': rulesField('apiGroups'),
  'ka.req.role.rules.nonResourceURLs': rulesField('nonResourceURLs'),
  'ka.req.role.rules.verbs': rulesField('verbs'),
  'ka.req.role.rules.resources': rulesField('resources'),
  'ka.req.service.type': str('requestObject', 'spec', 'type'),
  'ka.req.service.ports': indexed((ev, i) => {
    const arr = recursive(ev, i, ['requestObject', 'spec', 'ports']);
    return arr ? listValue(stringsSkipMissing(arr)) : undefined;
  }),
  'ka.req.volume.hostpath': { isList: false, arg: 'key', make: volumeHostpathMatch },
  'ka.req.pod.volumes.hostpath': indexed((ev, i) => {
    const arr = recursive(ev, i, ['requestObject', 'spec', 'volumes', 'hostPath', 'path']);
    return arr ? listValue(stringsSkipMissing(arr)) : undefined;
  }),
  'ka.req.pod.volumes.flexvolume_driver': indexed((ev, i) => {
    const arr = recursive(ev, i, ['requestObject', 'spec', 'volumes', 'flexVolume', 'driver']);
    return arr ? listValue(stringsSkipMissing(arr)) : undefined;
  }),
  'ka.req.pod.volumes.volume_type': indexed(volumeTypes),
  'ka.resp.name': str('responseObject', 'metadata', 'name'),
  'ka.response.code': str('responseStatus', 'code'),
  'ka.response.reason': str('responseStatus', 'reason'),
  'ka.useragent': str('userAgent'),
  'ka.sourceips': indexed((ev, i) => {
    const ips = getKey(ev, 'sourceIPs');
    if (!Array.isArray(ips)) return undefined;
    const sel = i < 0 ? ips : ips.slice(i, i + 1);
    return listValue(sel.map((x) => asString(x) ?? 'null'));
  }),
  'ka.cluster.name': str('annotations', 'cluster_name'),
  ...containerFields('containers'),
  ...containerFields('initContainers'),
  ...containerFields('ephemeralContainers'),
  ...PODSPEC_FIELDS,
};
