/** OpenTelemetry severity numbers (1..24) and the text names of each range's first value. */
export const SEVERITY = {
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
} as const;

export type SeverityText = keyof typeof SEVERITY;

const ALIASES: Record<string, number> = {
  trace: 1,
  debug: 5,
  info: 9,
  informational: 9,
  notice: 10,
  warn: 13,
  warning: 13,
  error: 17,
  err: 17,
  critical: 18,
  crit: 18,
  alert: 19,
  emergency: 21,
  emerg: 21,
  fatal: 21,
  panic: 21,
};

/** Maps a level word ("warning", "ERR", "Critical") to an OTel severity number; 0 when unknown. */
export function severityFromText(text: string | undefined): number {
  if (!text) return 0;
  return ALIASES[text.trim().toLowerCase()] ?? 0;
}

/** The OTel short name for a severity number ("INFO", "WARN2"...). */
export function severityText(num: number): string {
  if (num < 1 || num > 24) return 'UNSPECIFIED';
  const names = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
  const base = Math.floor((num - 1) / 4);
  const step = (num - 1) % 4;
  return names[base]! + (step === 0 ? '' : String(step + 1));
}

/** syslog severity (0 emerg .. 7 debug) to OTel. */
export function severityFromSyslog(level: number): number {
  const map = [21, 19, 18, 17, 13, 10, 9, 5];
  return map[level] ?? 0;
}
