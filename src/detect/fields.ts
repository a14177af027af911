/**
 * Field registry: resolves a field name (+ [arg]) used in a rule of a given source to an
 * extractor, or a BAD_RULE naming the place. ka.* exist for `k8s_audit` rules (and `*`);
 * jevt.*, json.*, columns and attrs paths exist for every source.
 */
import type { EventColumn, LogEvent } from '../core/index.ts';
import { AUDIT_FIELDS } from './fields-k8s-audit.ts';
import type { FieldImpl } from './fields-argus.ts';
import { attrsField, columnField, isColumn, JSON_FIELD_ARGS, jsonField } from './fields-argus.ts';
import type { FieldValue } from './json-values.ts';

export const ANY_SOURCE = '*';
export const AUDIT_SOURCE = 'k8s_audit';

export interface ResolvedField extends FieldImpl {
  /** canonical text (name[arg]), the cache key */
  key: string;
}

export type FieldLookup = { ok: true; field: ResolvedField } | { ok: false; error: string };

function hasAuditId(attrs: Record<string, unknown>): boolean {
  return attrs['auditID'] !== undefined;
}

function auditField(name: string, arg: string | undefined): FieldLookup {
  const def = AUDIT_FIELDS[name]!;
  if (def.arg === 'none' && arg !== undefined) return { ok: false, error: `field '${name}' does not accept an argument` };
  if (def.arg === 'key' && (arg === undefined || arg === '')) return { ok: false, error: `field '${name}' requires an argument` };
  if (def.arg === 'index' && arg !== undefined && !/^\d+$/.test(arg)) {
    return { ok: false, error: `field '${name}' needs a numeric index argument, got '${arg}'` };
  }
  const inner = def.make(arg);
  const get = (ev: LogEvent): FieldValue => (hasAuditId(ev.attrs) ? inner(ev.attrs) : undefined);
  return { ok: true, field: { key: keyOf(name, arg), isList: def.isList, type: 'string', get } };
}

function keyOf(name: string, arg: string | undefined): string {
  return arg === undefined ? name : `${name}[${arg}]`;
}

/** Is `name` a field known for some source? (used to parse `%field` in outputs) */
export function isKnownFieldName(name: string): boolean {
  return name in AUDIT_FIELDS || name in JSON_FIELD_ARGS || isColumn(name) || /^attrs(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(name);
}

export function lookupField(name: string, arg: string | undefined, source: string): FieldLookup {
  if (name in AUDIT_FIELDS) {
    if (source !== AUDIT_SOURCE && source !== ANY_SOURCE) {
      return { ok: false, error: `field '${name}' is only available to rules with source ${AUDIT_SOURCE} (this rule's source is ${source})` };
    }
    return auditField(name, arg);
  }
  if (name in JSON_FIELD_ARGS) {
    if (JSON_FIELD_ARGS[name] === 'none' && arg !== undefined) return { ok: false, error: `field '${name}' does not accept an argument` };
    if (JSON_FIELD_ARGS[name] === 'key' && arg === undefined) return { ok: false, error: `field '${name}' requires an argument` };
    return { ok: true, field: { key: keyOf(name, arg), ...jsonField(name, arg)! } };
  }
  if (isColumn(name)) {
    if (arg !== undefined) return { ok: false, error: `field '${name}' does not accept an argument` };
    return { ok: true, field: { key: name, ...columnField(name as EventColumn) } };
  }
  const m = /^attrs((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(name);
  if (m) {
    const path = m[1]!.slice(1).split('.');
    return { ok: true, field: { key: keyOf(name, arg), ...attrsField(path, arg) } };
  }
  return { ok: false, error: `unknown field '${name}'` };
}
