/**
 * JSON walking with the k8saudit plugin's semantics (falcosecurity/plugins k8saudit extract.go,
 * fastjson): strings stay strings, anything else is its compact JSON; a missing key is "not
 * available" (undefined), while a JSON null is a present value ("null").
 */

export type FieldValue = string | number | readonly string[] | undefined;

export const NOT_AVAILABLE: unique symbol = Symbol('not-available');
type NA = typeof NOT_AVAILABLE;

/** fastjson Value.Get(key): object member, or array element for a decimal key. */
export function getKey(v: unknown, key: string): unknown {
  if (key === '') return v;
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    if (!/^\d+$/.test(key)) return undefined;
    return v[Number(key)];
  }
  return Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, unknown>)[key] : undefined;
}

/**
 * A compiled `getPath(_, keys)`: each key is classified once (array index, empty, a name that
 * Object.prototype also has), so a member read is one property load.
 */
export function pathGetter(keys: readonly string[]): (root: unknown) => unknown {
  const n = keys.length;
  const names = keys.slice();
  const idx = keys.map((k) => (/^\d+$/.test(k) ? Number(k) : -1));
  const slow = keys.map((k) => k === '' || k in Object.prototype);
  return (root) => {
    let cur = root;
    for (let i = 0; i < n; i++) {
      if (slow[i]) cur = getKey(cur, names[i]!);
      else if (cur === null || typeof cur !== 'object') return undefined;
      else if (Array.isArray(cur)) cur = idx[i]! >= 0 ? cur[idx[i]!] : undefined;
      else cur = (cur as Record<string, unknown>)[names[i]!];
      if (cur === undefined) return undefined;
    }
    return cur;
  };
}

export function getPath(v: unknown, keys: readonly string[]): unknown {
  let cur = v;
  for (const k of keys) {
    cur = getKey(cur, k);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function memberOf(v: unknown, key: string): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, unknown>)[key] : undefined;
}

/** String form of a JSON value (fastjson MarshalTo for non-strings); undefined stays undefined. */
export function asString(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  // numbers, booleans and null from JSON print the same with String (and much faster)
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * getValuesRecursive: walks `keys`; an array met before a key is expanded (every element, or
 * only element `index` when index >= 0). Elements where the rest is missing yield undefined.
 */
export function valuesRecursive(v: unknown, index: number, keys: readonly string[], from = 0): unknown[] | NA {
  let cur = v;
  for (let i = from; i < keys.length; i++) {
    if (Array.isArray(cur)) {
      if (index < 0) {
        const res: unknown[] = [];
        for (const el of cur) {
          const r = valuesRecursive(el, index, keys, i);
          if (r === NOT_AVAILABLE) res.push(undefined);
          else res.push(...r);
        }
        return res;
      }
      if (index >= cur.length) return NOT_AVAILABLE;
      cur = cur[index];
    }
    cur = getKey(cur, keys[i]!);
    if (cur === undefined) return NOT_AVAILABLE;
  }
  return [cur];
}

/** arrayAsStringsSkipNil */
export function stringsSkipMissing(values: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const v of values) if (v !== undefined) out.push(asString(v)!);
  return out;
}

/** arrayAsStrings: undefined when any element is missing. */
export function stringsStrict(values: readonly unknown[]): string[] | undefined {
  const out: string[] = [];
  for (const v of values) {
    if (v === undefined) return undefined;
    out.push(asString(v)!);
  }
  return out;
}

/** A list field value: an empty list is "not extracted" in libsinsp (res_len 0). */
export function listValue(values: readonly string[] | undefined): FieldValue {
  return values && values.length > 0 ? values : undefined;
}

/** extractFromKeys for a list field: the value must be an array of scalars. */
export function listFromKeys(root: unknown, keys: readonly string[]): FieldValue {
  return listAt(getPath(root, keys));
}

/** The list value of an array of scalars (anything else: missing). */
export function listAt(v: unknown): FieldValue {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    out[i] = typeof x === 'string' ? x : (asString(x) ?? 'null');
  }
  return listValue(out);
}

/** RFC 6901 JSON pointer, as the json plugin walks it (a leading '/' is optional); keys split once. */
export function jsonPointerGetter(pointer: string): (root: unknown) => unknown {
  if (pointer.length === 0) return (root) => root;
  const p = pointer.startsWith('/') ? pointer.slice(1) : pointer;
  const keys = p.split('/').map((raw) => raw.replaceAll('~1', '/').replaceAll('~0', '~'));
  return (root) => {
    let cur = root;
    for (const key of keys) {
      cur = key === '' ? memberOf(cur, '') : getKey(cur, key);
      if (cur === undefined) return undefined;
    }
    return cur;
  };
}

export function jsonPointer(root: unknown, pointer: string): unknown {
  return jsonPointerGetter(pointer)(root);
}
