/**
 * Argus's own fields, for rules over every source: the LogEvent top-level columns
 * (`user`, `verb`, `namespace`, `message`, `source`, `code`, `sourceIp`...) and
 * `attrs.a.b` paths (with an optional last key in brackets: `attrs.annotations[authorization.k8s.io/decision]`),
 * plus the json plugin's `jevt.*` / `json.*` fields, applied to `attrs`.
 */
import type { ColumnType, EventColumn, LogEvent } from '../core/index.ts';
import { COLUMN_TYPES, EVENT_COLUMNS } from '../core/index.ts';
import type { FieldValue } from './json-values.ts';
import { asString, getKey, jsonPointerGetter, listValue } from './json-values.ts';

export type ValueType = 'string' | 'number' | 'dynamic';

export interface FieldImpl {
  isList: boolean;
  type: ValueType;
  get: (ev: LogEvent) => FieldValue;
}

const COLUMNS = new Set<string>(EVENT_COLUMNS);

export function isColumn(name: string): boolean {
  return COLUMNS.has(name);
}

export function columnField(name: EventColumn): FieldImpl {
  const t: ColumnType = COLUMN_TYPES[name];
  if (t === 'int' || t === 'bigint') {
    return { isList: false, type: 'number', get: (ev) => (typeof ev[name] === 'number' ? (ev[name] as number) : undefined) };
  }
  if (t === 'string[]') {
    return {
      isList: true,
      type: 'string',
      get: (ev) => {
        const v = ev[name];
        return Array.isArray(v) ? listValue(v.map(String)) : undefined;
      },
    };
  }
  if (t === 'json') return { isList: false, type: 'string', get: (ev) => asString(ev[name]) };
  return { isList: false, type: 'string', get: (ev) => (typeof ev[name] === 'string' ? (ev[name] as string) : undefined) };
}

/** A value found in attrs, made comparable: lists of strings, numbers, strings. */
export function dynamicValue(v: unknown): FieldValue {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return listValue(v.filter((x) => x !== null && x !== undefined).map((x) => asString(x)!));
  return JSON.stringify(v);
}

export function attrsField(path: readonly string[], arg: string | undefined): FieldImpl {
  return {
    isList: false,
    type: 'dynamic',
    get: (ev) => {
      let cur: unknown = ev.attrs;
      for (const k of path) {
        cur = getKey(cur, k);
        if (cur === undefined) return undefined;
      }
      if (arg !== undefined) cur = getKey(cur, arg);
      return dynamicValue(cur);
    },
  };
}

/** jevt.rawtime: the event time in ns since epoch, as a decimal string. */
function rawtime(ev: LogEvent): string {
  if (ev.ts > 0 && (ev.tsNanos === undefined || ev.tsNanos === 0)) return `${Math.trunc(ev.ts)}000000`;
  const nanos = String(Math.max(0, Math.min(999_999, Math.trunc(ev.tsNanos ?? 0)))).padStart(6, '0');
  return ev.ts > 0 ? `${Math.trunc(ev.ts)}${nanos}` : String(Math.trunc(ev.ts) * 1_000_000);
}

/** json.value / json.obj / json.rawtime (and their jevt.* aliases) of the json plugin. */
export function jsonField(name: string, arg: string | undefined): FieldImpl | undefined {
  const base = name.replace(/^jevt\./, 'json.');
  if (base === 'json.value') {
    const walk = jsonPointerGetter(arg ?? '');
    return { isList: false, type: 'string', get: (ev) => asString(walk(ev.attrs)) };
  }
  if (base === 'json.obj') return { isList: false, type: 'string', get: (ev) => JSON.stringify(ev.attrs, null, 2) };
  if (base === 'json.rawtime') return { isList: false, type: 'string', get: rawtime };
  return undefined;
}

export const JSON_FIELD_ARGS: Record<string, 'key' | 'none'> = {
  'json.value': 'key',
  'jevt.value': 'key',
  'json.obj': 'none',
  'jevt.obj': 'none',
  'json.rawtime': 'none',
  'jevt.rawtime': 'none',
};
