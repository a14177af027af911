import { expect, it } from 'vitest';
import { alertPriority, alertToLogEvent } from './alert.ts';
import type { Alert } from './alert.ts';
import { PRIORITY_SEVERITY, priorityName } from './priority.ts';

it('names a severity number by its rule priority, never by an OTel step name', () => {
  for (const [p, n] of Object.entries(PRIORITY_SEVERITY)) expect(priorityName(n)).toBe(p);
  expect(priorityName(11)).toBe('NOTICE');
  expect(priorityName(1)).toBe('DEBUG');
});

it('stores an alert with its priority as severityText', () => {
  const a: Alert = { rule: 'r', ruleId: 'r', severity: 18, title: 't', auditIds: [], eventIds: ['e'], count: 1, firstTs: 1, lastTs: 1, labels: { priority: 'CRITICAL' }, alertKey: 'k' };
  expect(alertToLogEvent(a)).toMatchObject({ severityNumber: 18, severityText: 'CRITICAL' });
  expect(alertPriority({ ...a, labels: {} })).toBe('CRITICAL');
  expect(alertToLogEvent({ ...a, severity: 10, labels: { priority: 'NOTICE' } }).severityText).toBe('NOTICE');
});
