/**
 * `ka.req.podspec.*` (Argus): pod-spec fields over every place a pod spec travels in a request,
 * over every container, initContainer and ephemeralContainer (no fixed list positions):
 *   - pods (create/update/patch) and the `pods/ephemeralcontainers` subresource (`kubectl debug`;
 *     a Pod body, or the pre-1.25 `EphemeralContainers` body with a top-level list): `spec`
 *   - deployments, daemonsets, statefulsets, replicasets, jobs, replicationcontrollers: `spec.template.spec`
 *   - cronjobs: `spec.jobTemplate.spec.template.spec`; podtemplates: `template.spec`
 * The request body may be a whole object or a strategic-merge / JSON merge patch (a partial
 * object: read the same way), or a JSON Patch (RFC 6902, an array of operations): the value of
 * each `add` / `replace` op is placed at its path (`/spec/template/spec/containers/0` -> a
 * partial spec with that one container), so a patched-in image or securityContext is seen.
 * Every field is a list (missing when empty); values are strings as in other `ka.*` fields.
 */
import type { AuditFieldDef } from './fields-k8s-spec.ts';
import type { FieldValue } from './json-values.ts';
import { asString, getPath, listValue } from './json-values.ts';

type Obj = Record<string, unknown>;

const TEMPLATE = ['spec', 'template', 'spec'];
const SPEC_PATHS: Record<string, readonly string[]> = {
  pods: ['spec'],
  podtemplates: ['template', 'spec'],
  deployments: TEMPLATE,
  daemonsets: TEMPLATE,
  statefulsets: TEMPLATE,
  replicasets: TEMPLATE,
  jobs: TEMPLATE,
  replicationcontrollers: TEMPLATE,
  cronjobs: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The partial object one JSON Patch add/replace op writes. */
function placeAtPath(path: string, value: unknown): unknown {
  if (!path.startsWith('/')) return undefined;
  const keys = path.slice(1).split('/').map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
  let cur = value;
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    cur = k === '-' || /^\d+$/.test(k) ? [cur] : { [k]: cur };
  }
  return cur;
}

function roots(body: unknown): unknown[] {
  if (!Array.isArray(body)) return [body];
  const out: unknown[] = [];
  for (const op of body) {
    if (!isObj(op) || (op['op'] !== 'add' && op['op'] !== 'replace') || typeof op['path'] !== 'string') continue;
    const placed = placeAtPath(op['path'], op['value']);
    if (placed !== undefined) out.push(placed);
  }
  return out;
}

/** Every pod spec (or partial pod spec) the request carries. */
export function podSpecs(ev: unknown): Obj[] {
  const resource = getPath(ev, ['objectRef', 'resource']);
  const path = typeof resource === 'string' ? SPEC_PATHS[resource] : undefined;
  if (!path || !isObj(ev)) return [];
  const body = ev['requestObject'];
  if (body === undefined || body === null) return [];
  const out: Obj[] = [];
  for (const root of roots(body)) {
    const spec = getPath(root, path);
    if (isObj(spec)) out.push(spec);
    else if (resource === 'pods' && isObj(root) && Array.isArray(root['ephemeralContainers'])) out.push(root);
  }
  return out;
}

/** Every container object of every kind in the specs. */
function containersOf(specs: readonly Obj[]): Obj[] {
  const out: Obj[] = [];
  for (const s of specs) {
    for (const kind of CONTAINER_LISTS) {
      const list = s[kind];
      if (Array.isArray(list)) for (const c of list) if (isObj(c)) out.push(c);
    }
  }
  return out;
}

function push(out: string[], v: unknown): void {
  if (v !== undefined) out.push(asString(v)!);
}

type Extract = (specs: Obj[], out: string[]) => void;

function field(extract: Extract): AuditFieldDef {
  return {
    isList: true,
    arg: 'none',
    make: () => (ev): FieldValue => {
      const specs = podSpecs(ev);
      if (specs.length === 0) return undefined;
      const out: string[] = [];
      extract(specs, out);
      return listValue(out);
    },
  };
}

const sc = (o: Obj, key: string): unknown => getPath(o, ['securityContext', key]);

function containerSc(key: string): Extract {
  return (specs, out) => {
    for (const c of containersOf(specs)) push(out, sc(c, key));
  };
}

/** Per container: its own value, else the pod's; a spec without containers (a patch): the pod's. */
function effective(key: string): Extract {
  return (specs, out) => {
    for (const s of specs) {
      const pod = sc(s, key);
      const cs = containersOf([s]);
      if (cs.length === 0) push(out, pod);
      for (const c of cs) push(out, sc(c, key) ?? pod);
    }
  };
}

function specKey(key: string): Extract {
  return (specs, out) => {
    for (const s of specs) push(out, s[key]);
  };
}

/** `CAP_SYS_ADMIN` and `sys_admin` are `SYS_ADMIN`, as container runtimes read them. */
function capabilities(specs: Obj[], out: string[]): void {
  for (const c of containersOf(specs)) {
    const add = getPath(c, ['securityContext', 'capabilities', 'add']);
    if (!Array.isArray(add)) continue;
    for (const x of add) {
      if (typeof x !== 'string') continue;
      const u = x.toUpperCase();
      out.push(u.startsWith('CAP_') ? u.slice(4) : u);
    }
  }
}

function hostPorts(specs: Obj[], out: string[]): void {
  for (const c of containersOf(specs)) {
    const ports = c['ports'];
    if (!Array.isArray(ports)) continue;
    for (const p of ports) {
      const hp = isObj(p) ? p['hostPort'] : undefined;
      if (hp !== undefined && hp !== 0 && hp !== '0') push(out, hp);
    }
  }
}

function volumes(key: string): Extract {
  return (specs, out) => {
    for (const s of specs) {
      const vols = s['volumes'];
      if (!Array.isArray(vols)) continue;
      for (const v of vols) {
        if (!isObj(v)) continue;
        if (key !== '') push(out, getPath(v, ['hostPath', key]));
        else for (const k of Object.keys(v)) if (k !== 'name') out.push(k);
      }
    }
  };
}

function seccomp(specs: Obj[], out: string[]): void {
  for (const s of specs) push(out, getPath(s, ['securityContext', 'seccompProfile', 'type']));
  for (const c of containersOf(specs)) push(out, getPath(c, ['securityContext', 'seccompProfile', 'type']));
}

function sysctls(specs: Obj[], out: string[]): void {
  for (const s of specs) {
    const list = getPath(s, ['securityContext', 'sysctls']);
    if (Array.isArray(list)) for (const x of list) if (isObj(x)) push(out, x['name']);
  }
}

export const PODSPEC_FIELDS: Record<string, AuditFieldDef> = {
  'ka.req.podspec.image': field((specs, out) => {
    for (const c of containersOf(specs)) if (typeof c['image'] === 'string') out.push(c['image']);
  }),
  'ka.req.podspec.container_name': field((specs, out) => {
    for (const c of containersOf(specs)) push(out, c['name']);
  }),
  'ka.req.podspec.privileged': field(containerSc('privileged')),
  'ka.req.podspec.allow_privilege_escalation': field(containerSc('allowPrivilegeEscalation')),
  'ka.req.podspec.add_capabilities': field(capabilities),
  'ka.req.podspec.proc_mount': field(containerSc('procMount')),
  'ka.req.podspec.run_as_user': field(effective('runAsUser')),
  'ka.req.podspec.run_as_non_root': field(effective('runAsNonRoot')),
  'ka.req.podspec.seccomp_profile': field(seccomp),
  'ka.req.podspec.sysctls': field(sysctls),
  'ka.req.podspec.host_pid': field(specKey('hostPID')),
  'ka.req.podspec.host_ipc': field(specKey('hostIPC')),
  'ka.req.podspec.host_network': field(specKey('hostNetwork')),
  'ka.req.podspec.host_port': field(hostPorts),
  'ka.req.podspec.hostpath': field(volumes('path')),
  'ka.req.podspec.volume_type': field(volumes('')),
};
