import { ArgusError } from './errors.ts';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses a duration like `500ms`, `15m`, `1h30m`, `7d` into ms. */
export function parseDuration(text: string, field = 'duration'): number {
  const s = text.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (s.length === 0 || matched !== s.length) {
    throw new ArgusError('BAD_REQUEST', `${field}: "${text}" is not a duration (use e.g. 30s, 15m, 1h, 7d)`, { field });
  }
  return Math.round(total);
}

/**
 * Parses a time: RFC3339 (`2026-11-25T10:00:00Z`), epoch ms (digits), or a duration back from now (`15m`, `now-15m`).
 */
export function parseTime(text: string, field = 'time', now: number = Date.now()): number {
  const s = text.trim();
  if (s === 'now') return now;
  if (/^\d{10,16}$/.test(s)) return Number(s);
  if (/^\d+$/.test(s)) {
    // `--since 90`: seconds? minutes? Ask for the unit rather than guess
    throw new ArgusError('BAD_REQUEST', `${field}: "${text}" is a bare number: add a unit (${s}s, ${s}m, ${s}h, ${s}d), or give an RFC3339 time or epoch milliseconds (13 digits)`, { field });
  }
  const rel = /^(?:now-)?(\d[\dmshdw.]*)$/.exec(s);
  if (rel && !/^\d+$/.test(s)) return now - parseDuration(rel[1]!, field);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return t;
  }
  throw new ArgusError('BAD_REQUEST', `${field}: "${text}" is not a time (use RFC3339 like 2026-11-25T10:00:00Z, epoch ms, or a duration ago like 15m)`, { field });
}

let lastBaseText = '';
let lastBase = NaN;

/** Splits an RFC3339 timestamp with up to ns precision into ms + the sub-ms nanos. */
export function parseRfc3339Nanos(text: string): { ts: number; tsNanos: number } | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/i.exec(text.trim());
  if (!m) return undefined;
  const frac = (m[2] ?? '').padEnd(9, '0');
  // events of one batch share their second: parse the date part once
  const baseText = `${m[1]}${m[3]!.toUpperCase()}`;
  if (baseText !== lastBaseText) {
    lastBase = Date.parse(baseText);
    lastBaseText = baseText;
  }
  const base = lastBase;
  if (Number.isNaN(base)) return undefined;
  const ms = Number(frac.slice(0, 3));
  return { ts: base + ms, tsNanos: Number(frac.slice(3)) };
}
