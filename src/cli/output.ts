/** `-o table|json|ndjson` rendering shared by the commands. */
import { ArgusError, tsInRange } from '../core/index.ts';
import type { LogEvent } from '../core/index.ts';

export type OutputFormat = 'table' | 'json' | 'ndjson';

export function outputFormat(v: string | undefined): OutputFormat {
  const f = v ?? 'table';
  if (f !== 'table' && f !== 'json' && f !== 'ndjson') {
    throw new ArgusError('BAD_REQUEST', `-o: "${f}" is not one of table, json, ndjson`);
  }
  return f;
}

/** How tables show times: RFC 3339 in UTC (default) or in the local time zone (`--local`). */
export interface TimeStyle {
  local: boolean;
}

const UTC: TimeStyle = { local: false };

/** RFC 3339 with milliseconds: `2026-11-25T10:00:00.000Z`, or `2026-11-25T11:00:00.000+01:00` in local time. */
export function formatTime(ms: number, style: TimeStyle = UTC): string {
  const d = new Date(ms);
  if (!style.local) return d.toISOString();
  const off = -d.getTimezoneOffset();
  const p = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${p(Math.trunc(off / 60))}:${p(off % 60)}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}${zone}`;
}

/** Table columns holding epoch ms: the event times, timechart buckets and aggregates over them. */
const TIME_FIELDS = new Set(['time', 'ts', 'receivedat', 'attrs.firstts', 'attrs.lastts']);

export function isTimeColumn(name: string): boolean {
  const inner = /^(?:min|max|avg)\((.+)\)$/i.exec(name)?.[1] ?? name;
  return TIME_FIELDS.has(inner.trim().toLowerCase());
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function renderTable(columns: string[], rows: unknown[][], maxWidth = 60, style: TimeStyle = UTC): string {
  const times = columns.map(isTimeColumn);
  const text = rows.map((r) => r.map((v, i) => {
    const asTime = times[i] && typeof v === 'number' && tsInRange(v);
    const s = (asTime ? formatTime(Math.round(v), style) : cell(v)).replace(/\s+/g, ' ');
    return s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s;
  }));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

const EVENT_TABLE = ['time', 'severity', 'source', 'namespace', 'who', 'what', 'message'] as const;

export function eventRow(e: LogEvent, style: TimeStyle = UTC): string[] {
  const who = e.user ?? e.pod ?? e.node ?? '';
  const what = [e.verb, e.resource && (e.subresource ? `${e.resource}/${e.subresource}` : e.resource), e.objectName, e.code]
    .filter((x) => x !== undefined && x !== '')
    .join(' ');
  return [formatTime(e.ts, style), e.severityText ?? '', e.source, e.namespace ?? e.objectNamespace ?? '', who, what, e.message];
}

export function renderEvents(events: LogEvent[], format: OutputFormat, style: TimeStyle = UTC): string {
  if (format === 'json') return JSON.stringify(events, null, 2);
  if (format === 'ndjson') return events.map((e) => JSON.stringify(e)).join('\n');
  return renderTable([...EVENT_TABLE], events.map((e) => eventRow(e, style)), 80);
}

export function renderRows(columns: string[], rows: unknown[][], format: OutputFormat, style: TimeStyle = UTC): string {
  if (format === 'table') return renderTable(columns, rows, 60, style);
  const objs = rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
  return format === 'json' ? JSON.stringify(objs, null, 2) : objs.map((o) => JSON.stringify(o)).join('\n');
}
