/** `-o table|json|ndjson` rendering shared by the commands. */
import { ArgusError } from '../core/index.ts';
import type { LogEvent } from '../core/index.ts';

export type OutputFormat = 'table' | 'json' | 'ndjson';

export function outputFormat(v: string | undefined): OutputFormat {
  const f = v ?? 'table';
  if (f !== 'table' && f !== 'json' && f !== 'ndjson') {
    throw new ArgusError('BAD_REQUEST', `-o: "${f}" is not one of table, json, ndjson`);
  }
  return f;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function renderTable(columns: string[], rows: unknown[][], maxWidth = 60): string {
  const text = rows.map((r) => r.map((v) => {
    const s = cell(v).replace(/\s+/g, ' ');
    return s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s;
  }));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

const EVENT_TABLE = ['time', 'source', 'namespace', 'who', 'what', 'message'] as const;

export function eventRow(e: LogEvent): string[] {
  const who = e.user ?? e.pod ?? e.node ?? '';
  const what = [e.verb, e.resource && (e.subresource ? `${e.resource}/${e.subresource}` : e.resource), e.objectName, e.code]
    .filter((x) => x !== undefined && x !== '')
    .join(' ');
  return [new Date(e.ts).toISOString(), e.source, e.namespace ?? e.objectNamespace ?? '', who, what, e.message];
}

export function renderEvents(events: LogEvent[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(events, null, 2);
  if (format === 'ndjson') return events.map((e) => JSON.stringify(e)).join('\n');
  return renderTable([...EVENT_TABLE], events.map(eventRow), 80);
}

export function renderRows(columns: string[], rows: unknown[][], format: OutputFormat): string {
  if (format === 'table') return renderTable(columns, rows);
  const objs = rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
  return format === 'json' ? JSON.stringify(objs, null, 2) : objs.map((o) => JSON.stringify(o)).join('\n');
}
