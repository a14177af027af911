import { tsInRange, parseRfc3339Nanos } from '../../core/index.ts';
import type { AuditEvent } from './types.ts';

export const NOT_AUDIT = 'data not recognized as a k8s audit event';

/** apiVersions accepted; events written before audit.k8s.io/v1beta1 have none at all. */
export const AUDIT_API_VERSIONS: readonly string[] = ['audit.k8s.io/v1', 'audit.k8s.io/v1beta1'];

export type Checked = { ok: true; event: AuditEvent } | { ok: false; message: string; field?: string };

/** Timestamp fields in the order `ts` is taken from. */
export const TIME_FIELDS = ['stageTimestamp', 'requestReceivedTimestamp', 'timestamp'] as const;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(field: string | undefined, message: string): Checked {
  return field === undefined ? { ok: false, message } : { ok: false, field, message };
}

function badType(o: Record<string, unknown>, key: string, want: 'string' | 'object' | 'string[]' | 'int'): boolean {
  const v = o[key];
  if (v === undefined || v === null) return false;
  switch (want) {
    case 'string':
      return typeof v !== 'string';
    case 'object':
      return !isObject(v);
    case 'string[]':
      return !Array.isArray(v) || v.some((x) => typeof x !== 'string');
    case 'int':
      return typeof v !== 'number' || !Number.isInteger(v);
  }
}

const TYPES: [string, 'string' | 'object' | 'string[]' | 'int'][] = [
  ['verb', 'string'],
  ['requestURI', 'string'],
  ['userAgent', 'string'],
  ['level', 'string'],
  ['user', 'object'],
  ['impersonatedUser', 'object'],
  ['sourceIPs', 'string[]'],
  ['objectRef', 'object'],
  ['responseStatus', 'object'],
  ['annotations', 'object'],
];

const NESTED: [string, string, 'string' | 'string[]' | 'int'][] = [
  ['user', 'username', 'string'],
  ['user', 'groups', 'string[]'],
  ['impersonatedUser', 'username', 'string'],
  ['objectRef', 'resource', 'string'],
  ['objectRef', 'namespace', 'string'],
  ['objectRef', 'name', 'string'],
  ['objectRef', 'subresource', 'string'],
  ['objectRef', 'apiGroup', 'string'],
  ['responseStatus', 'code', 'int'],
];

/**
 * Checks that a parsed JSON value is an audit Event Argus can normalize, naming the first bad
 * field. `inList`: an item of an EventList, which may omit kind/apiVersion (they are on the list).
 */
export function checkAuditEvent(v: unknown, inList = false): Checked {
  if (!isObject(v)) return fail(undefined, NOT_AUDIT);
  if (v.kind !== 'Event' && !(inList && v.kind === undefined)) return fail('kind', NOT_AUDIT);
  if (v.apiVersion !== undefined && !AUDIT_API_VERSIONS.includes(v.apiVersion as string)) {
    return fail('apiVersion', `apiVersion ${JSON.stringify(v.apiVersion)} is not supported (want ${AUDIT_API_VERSIONS.join(' or ')}, or none)`);
  }
  if (typeof v.auditID !== 'string' || v.auditID === '') return fail('auditID', 'auditID is required');
  if (typeof v.stage !== 'string' || v.stage === '') return fail('stage', 'stage is required');
  for (const [key, want] of TYPES) {
    if (badType(v, key, want)) return fail(key, `${key} must be ${describe(want)}`);
  }
  for (const [parent, key, want] of NESTED) {
    const p = v[parent];
    if (isObject(p) && badType(p, key, want)) return fail(`${parent}.${key}`, `${parent}.${key} must be ${describe(want)}`);
  }
  const code = isObject(v.responseStatus) ? v.responseStatus.code : undefined;
  if (typeof code === 'number' && (code < 0 || code > 999)) return fail('responseStatus.code', `responseStatus.code ${code} is out of range (0..999)`);
  if (isObject(v.annotations)) {
    for (const [k, a] of Object.entries(v.annotations)) {
      if (typeof a !== 'string') return fail(`annotations.${k}`, `annotations.${k} must be a string`);
    }
  }
  const t = checkTime(v);
  if (t) return t;
  return { ok: true, event: v as AuditEvent };
}

function checkTime(v: Record<string, unknown>): Checked | undefined {
  for (const f of TIME_FIELDS) {
    const s = v[f];
    if (s === undefined || s === null) continue;
    const t = typeof s === 'string' ? parseRfc3339Nanos(s) : undefined;
    if (t === undefined) return fail(f, `${f} must be an RFC3339 time`);
    if (!tsInRange(t.ts)) return fail(f, `${f} ${JSON.stringify(s).slice(0, 40)} is out of range (1970-01-01 .. 9999-12-31)`);
    return undefined;
  }
  return fail('stageTimestamp', 'stageTimestamp (or requestReceivedTimestamp) is required');
}

function describe(want: string): string {
  return want === 'string[]' ? 'an array of strings' : want === 'int' ? 'an integer' : `a${want === 'object' ? 'n' : ''} ${want}`;
}
