/** Falco rule priorities and their OpenTelemetry severity numbers. */

export type Priority = 'EMERGENCY' | 'ALERT' | 'CRITICAL' | 'ERROR' | 'WARNING' | 'NOTICE' | 'INFO' | 'DEBUG';

const BY_NAME: Record<string, Priority> = {
  emergency: 'EMERGENCY',
  alert: 'ALERT',
  critical: 'CRITICAL',
  error: 'ERROR',
  warning: 'WARNING',
  notice: 'NOTICE',
  informational: 'INFO',
  info: 'INFO',
  debug: 'DEBUG',
};

/** OTel severity numbers (FATAL=21, ERROR3=19, ERROR2=18, ERROR=17, WARN=13, INFO2=10, INFO=9, DEBUG=5). */
export const PRIORITY_SEVERITY: Record<Priority, number> = {
  EMERGENCY: 21,
  ALERT: 19,
  CRITICAL: 18,
  ERROR: 17,
  WARNING: 13,
  NOTICE: 10,
  INFO: 9,
  DEBUG: 5,
};

/** Case-insensitive, as Falco's parse_priority; undefined when not a priority. */
export function parsePriority(text: string): Priority | undefined {
  return BY_NAME[text.trim().toLowerCase()];
}

/** The priority of a severity number: the highest priority at or below it (`18` → `CRITICAL`). */
export function priorityName(severity: number): Priority {
  let best: Priority = 'DEBUG';
  for (const [name, n] of Object.entries(PRIORITY_SEVERITY) as [Priority, number][]) {
    if (n <= severity && n > PRIORITY_SEVERITY[best]) best = name;
  }
  return best;
}
