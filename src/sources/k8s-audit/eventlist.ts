/**
 * Native audit shapes: the webhook backend's `EventList`, a single `Event`, a JSON array of
 * Events, and NDJSON (the log backend's file format, one Event per line). Array elements and
 * NDJSON lines may also be GKE LogEntries (exported Cloud Logging).
 */
import type { Collector } from './collect.ts';
import { parseJson } from './collect.ts';
import { collectGkeEntry, isGkeLogEntry } from './gke.ts';
import { isObject, NOT_AUDIT } from './validate.ts';

/** One record at `index`: an Event, an EventList (its items share the index) or a GKE LogEntry. */
export function collectRecord(c: Collector, value: unknown, index: number): void {
  if (isGkeLogEntry(value)) return collectGkeEntry(c, value, index);
  if (isObject(value) && value.kind === 'EventList') {
    if (!Array.isArray(value.items)) return c.error(index, 'EventList.items must be an array', 'items');
    for (const item of value.items) c.audit(item, index, undefined, true);
    return;
  }
  c.audit(value, index);
}

/** `{kind:"EventList", items:[...]}`: errors are indexed by item. */
export function collectEventList(c: Collector, doc: Record<string, unknown>): void {
  const v = doc.apiVersion;
  if (v !== undefined && v !== 'audit.k8s.io/v1' && v !== 'audit.k8s.io/v1beta1') {
    return c.error(0, `apiVersion ${JSON.stringify(v)} is not supported (want audit.k8s.io/v1 or audit.k8s.io/v1beta1)`, 'apiVersion');
  }
  if (!Array.isArray(doc.items)) return c.error(0, 'EventList.items must be an array', 'items');
  doc.items.forEach((item: unknown, i: number) => c.audit(item, i, undefined, true));
}

/** A JSON array of records, indexed by position. */
export function collectArray(c: Collector, doc: unknown[]): void {
  doc.forEach((v, i) => collectRecord(c, v, i));
}

/** Decodes one NDJSON line (0-based physical line `index`); blank lines are ignored. */
export function collectLine(c: Collector, line: string, index: number): void {
  if (line.trim() === '') return;
  const p = parseJson(line);
  if (!p.ok) return c.error(index, p.message);
  collectRecord(c, p.value, index);
}

/** NDJSON body: errors are indexed by 0-based physical line number. */
export function collectNdjson(c: Collector, body: string): void {
  const lines = body.split('\n');
  lines.forEach((line, i) => collectLine(c, line, i));
}

export { NOT_AUDIT };
