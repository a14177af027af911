import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/index.ts';
import { eventRow, formatTime, isTimeColumn, renderRows } from './output.ts';

const T = Date.parse('2026-11-25T10:00:00.250Z');

describe('times in tables', () => {
  it('formats RFC 3339 in UTC, or in the local zone with its offset', () => {
    expect(formatTime(T)).toBe('2026-11-25T10:00:00.250Z');
    const local = formatTime(T, { local: true });
    expect(local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.250(Z|[+-]\d\d:\d\d)$/);
    expect(Date.parse(local)).toBe(T);
  });

  it('knows the time columns: event times, timechart buckets, aggregates over them', () => {
    for (const c of ['time', 'ts', 'receivedAt', 'max(ts)', 'min(receivedAt)', 'attrs.firstTs', 'attrs.lastTs']) expect(isTimeColumn(c), c).toBe(true);
    for (const c of ['count', 'code', 'sum(ts)', 'dc(ts)', 'tsNanos', 'message']) expect(isTimeColumn(c), c).toBe(false);
  });

  it('renders time columns of a table as RFC 3339 and leaves JSON numbers alone', () => {
    const t = renderRows(['time', 'count', 'max(ts)'], [[T, 3, T + 1000]], 'table');
    expect(t.split('\n')[2]).toBe('2026-11-25T10:00:00.250Z  3      2026-11-25T10:00:01.250Z');
    expect(JSON.parse(renderRows(['time', 'count'], [[T, 3]], 'json'))).toEqual([{ time: T, count: 3 }]);
  });
});

it('event rows carry the severity as stored (an alert: its rule priority)', () => {
  const e = { id: 'x', ts: T, receivedAt: T, source: 'alert', severityNumber: 18, severityText: 'CRITICAL', message: 'Secrets listed', attrs: {} } as unknown as LogEvent;
  expect(eventRow(e).slice(0, 3)).toEqual(['2026-11-25T10:00:00.250Z', 'CRITICAL', 'alert']);
});
