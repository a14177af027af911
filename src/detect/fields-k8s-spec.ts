/**
 * Building blocks of the `ka.*` fields (./fields-k8s-audit.ts): field-def constructors and the
 * pod spec container fields (`ka.req.pod.containers.*` and friends), paths split once.
 */
import type { FieldValue } from './json-values.ts';
import { asString, getKey, getPath, listAt, listValue, NOT_AVAILABLE, pathGetter, stringsSkipMissing, stringsStrict, valuesRecursive } from './json-values.ts';

export type Json = unknown;
/** 'none': no argument; 'key': required [key]; 'index': optional [n]. */
export type ArgKind = 'none' | 'key' | 'index';

export interface AuditFieldDef {
  isList: boolean;
  arg: ArgKind;
  make: (arg: string | undefined) => (ev: Json) => FieldValue;
}

export const str = (...keys: string[]): AuditFieldDef => ({
  isList: false,
  arg: 'none',
  make: () => {
    const get = pathGetter(keys);
    return (ev) => {
      const v = get(ev);
      return typeof v === 'string' ? v : asString(v);
    };
  },
});
export const list = (...keys: string[]): AuditFieldDef => ({
  isList: true,
  arg: 'none',
  make: () => {
    const get = pathGetter(keys);
    return (ev) => listAt(get(ev));
  },
});
export const indexed = (fn: (ev: Json, index: number) => FieldValue): AuditFieldDef => ({
  isList: true,
  arg: 'index',
  make: (arg) => {
    const index = arg === undefined ? -1 : Number(arg);
    return (ev) => fn(ev, index);
  },
});

export function recursive(ev: Json, index: number, keys: readonly string[]): unknown[] | undefined {
  const r = valuesRecursive(ev, index, keys);
  return r === NOT_AVAILABLE ? undefined : r;
}

/** requestObject.spec.<kind>.<dotted sub path>, split once (not per event). */
const PATHS = new Map<string, readonly string[]>();
export function cpath(kind: string, sub: string): readonly string[] {
  const k = `${kind}.${sub}`;
  let p = PATHS.get(k);
  if (!p) PATHS.set(k, (p = ['requestObject', 'spec', kind, ...sub.split('.')]));
  return p;
}

export function containerValues(ev: Json, path: readonly string[], index: number): unknown[] | undefined {
  return recursive(ev, index, path);
}

export function images(ev: Json, kind: string, index: number): string[] | undefined {
  const arr = containerValues(ev, cpath(kind, 'image'), index);
  return arr ? stringsStrict(arr) : undefined;
}

export function repositories(ev: Json, kind: string, index: number): string[] | undefined {
  return images(ev, kind, index)?.map((img) => img.split(':')[0]!.split('@')[0]!);
}

/** command / args: each container's array joined by spaces; wrong types make the field missing. */
function joinedArrays(ev: Json, kind: string, index: number, key: string): FieldValue {
  const arr = containerValues(ev, cpath(kind, key), index);
  if (!arr) return undefined;
  const out: string[] = [];
  for (const v of arr) {
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return undefined;
    out.push(v.join(' '));
  }
  return listValue(out);
}

function hostPorts(ev: Json, kind: string, index: number): FieldValue {
  const arr = containerValues(ev, cpath(kind, 'ports'), index);
  if (!arr) return undefined;
  const out: string[] = [];
  for (const ports of arr) {
    if (ports === undefined) continue;
    if (!Array.isArray(ports)) return undefined;
    for (const p of ports) {
      const v = getKey(p, 'hostPort') ?? getKey(p, 'containerPort');
      if (v !== undefined) out.push(asString(v)!);
    }
  }
  return listValue(out);
}

function effective(ev: Json, kind: string, index: number, key: string): FieldValue {
  const podValue = asString(getPath(ev, ['requestObject', 'spec', 'securityContext', key])) ?? '0';
  const arr = containerValues(ev, cpath(kind, `securityContext.${key}`), index);
  return arr ? listValue(arr.map((v) => asString(v) ?? podValue)) : undefined;
}

export function containerFields(kind: string): Record<string, AuditFieldDef> {
  const sc = (key: string) => {
    const path = cpath(kind, `securityContext.${key}`);
    return indexed((ev, i) => {
    const arr = containerValues(ev, path, i);
    if (!arr) return undefined;
    // capabilities.add is an array per container: flattened to capability names (see header)
    return listValue(stringsSkipMissing(arr.flatMap((v) => (Array.isArray(v) ? v : [v]))));
    });
  };
  const p = `ka.req.pod.${kind}.`;
  const out: Record<string, AuditFieldDef> = {
    [`${p}name`]: indexed((ev, i) => {
      const arr = containerValues(ev, cpath(kind, 'name'), i);
      return listValue(arr ? stringsStrict(arr) : undefined);
    }),
    [`${p}image`]: indexed((ev, i) => listValue(images(ev, kind, i))),
    [`${p}image.repository`]: indexed((ev, i) => listValue(repositories(ev, kind, i))),
    [`${p}command`]: indexed((ev, i) => joinedArrays(ev, kind, i, 'command')),
    [`${p}args`]: indexed((ev, i) => joinedArrays(ev, kind, i, 'args')),
    [`${p}privileged`]: sc('privileged'),
    [`${p}allow_privilege_escalation`]: sc('allowPrivilegeEscalation'),
    [`${p}read_only_fs`]: sc('readOnlyRootFilesystem'),
    [`${p}run_as_user`]: sc('runAsUser'),
    [`${p}run_as_group`]: sc('runAsGroup'),
    [`${p}eff_run_as_user`]: indexed((ev, i) => effective(ev, kind, i, 'runAsUser')),
    [`${p}eff_run_as_group`]: indexed((ev, i) => effective(ev, kind, i, 'runAsGroup')),
    [`${p}proc_mount`]: sc('procMount'),
    [`${p}add_capabilities`]: sc('capabilities.add'),
  };
  if (kind !== 'ephemeralContainers') out[`${p}host_port`] = indexed((ev, i) => hostPorts(ev, kind, i));
  return out;
}

