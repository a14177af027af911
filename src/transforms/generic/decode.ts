/**
 * Decodes the generic ingest format of `POST /api/v1/events`: a JSON array, a single JSON object,
 * or NDJSON. Each event is validated on its own; a bad event is reported by index with the field
 * that is wrong and never drops its neighbours.
 */
import { z } from 'zod';
import type { LogEventInput } from '../../core/index.ts';
import { DEFAULT_MAX_DEPTH, MAX_ERRORS_KEPT, depthMessage, parseRfc3339Nanos, severityFromText, tooDeepField, tsInRange } from '../../core/index.ts';

export interface DecodeError {
  index: number;
  field?: string;
  message: string;
}

export interface DecodeResult {
  events: LogEventInput[];
  /** the first MAX_ERRORS_KEPT errors, by index */
  errors: DecodeError[];
  /** how many events were rejected (errors beyond MAX_ERRORS_KEPT are only counted) */
  rejected: number;
  /** the body index of each event (events[i] came from element or line positions[i]) */
  positions: number[];
}

export interface DecodeOptions {
  /** nesting cap of one event (objects/arrays; the event itself is level 1) */
  maxDepth?: number;
}

const str = z.string().max(64 * 1024);
const optStr = str.optional();

/** exported for the test that checks `fastValid` against it */
export const genericEventSchema = z
  .object({
    ts: z.union([z.number().finite().nonnegative(), z.string()]).optional(),
    timestamp: z.union([z.number().finite().nonnegative(), z.string()]).optional(),
    source: z.string().min(1).max(64).regex(/^[a-z0-9_.-]+$/i, 'must be letters, digits, _ . -').optional(),
    cluster: optStr,
    node: optStr,
    namespace: optStr,
    pod: optStr,
    container: optStr,
    stream: optStr,
    severityNumber: z.number().int().min(0).max(24).optional(),
    severityText: optStr,
    severity: optStr,
    level: optStr,
    message: z.string().optional(),
    msg: z.string().optional(),
    user: optStr,
    groups: z.array(str).optional(),
    verb: optStr,
    resource: optStr,
    subresource: optStr,
    apiGroup: optStr,
    objectNamespace: optStr,
    objectName: optStr,
    code: z.number().int().min(0).max(999).optional(),
    sourceIp: optStr,
    userAgent: optStr,
    stage: optStr,
    auditId: optStr,
    decision: optStr,
    reason: optStr,
    impersonatedUser: optStr,
    dedupKey: z.string().min(1).max(512).optional(),
    attrs: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

type GenericEvent = z.infer<typeof genericEventSchema>;

const MAX_STR = 64 * 1024;
const SOURCE_RE = /^[a-z0-9_.-]+$/i;
const OPT_STRINGS = [
  'cluster', 'node', 'namespace', 'pod', 'container', 'stream', 'severityText', 'severity', 'level', 'user', 'verb',
  'resource', 'subresource', 'apiGroup', 'objectNamespace', 'objectName', 'sourceIp', 'userAgent', 'stage',
  'auditId', 'decision', 'reason', 'impersonatedUser',
] as const;

const isTime = (v: unknown): boolean => v === undefined || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
const isInt = (v: unknown, lo: number, hi: number): boolean => v === undefined || (Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi);

/**
 * Whether `e` certainly passes `genericEventSchema` (checked by hand: zod's parse was ~2 µs per
 * event on the ingest thread). False means "ask zod", which then names the wrong field.
 */
export function fastValid(e: Record<string, unknown>): boolean {
  if (!isTime(e.ts) || !isTime(e.timestamp)) return false;
  const s = e.source;
  if (s !== undefined && (typeof s !== 'string' || s.length === 0 || s.length > 64 || !SOURCE_RE.test(s))) return false;
  for (const k of OPT_STRINGS) {
    const v = e[k];
    if (v !== undefined && (typeof v !== 'string' || v.length > MAX_STR)) return false;
  }
  if (!isInt(e.severityNumber, 0, 24) || !isInt(e.code, 0, 999)) return false;
  if ((e.message !== undefined && typeof e.message !== 'string') || (e.msg !== undefined && typeof e.msg !== 'string')) return false;
  const g = e.groups;
  if (g !== undefined && (!Array.isArray(g) || !g.every((x) => typeof x === 'string' && x.length <= MAX_STR))) return false;
  const d = e.dedupKey;
  if (d !== undefined && (typeof d !== 'string' || d.length === 0 || d.length > 512)) return false;
  const a = e.attrs;
  if (a !== undefined && (a === null || typeof a !== 'object' || Array.isArray(a))) return false;
  return true;
}

const KNOWN = new Set(Object.keys(genericEventSchema.shape));

/** Fields taken over as they are (validated by the schema). */
const COPIED = [
  'cluster', 'node', 'namespace', 'pod', 'container', 'stream', 'user', 'groups', 'verb', 'resource',
  'subresource', 'apiGroup', 'objectNamespace', 'objectName', 'code', 'sourceIp', 'userAgent', 'stage',
  'auditId', 'decision', 'reason', 'impersonatedUser', 'dedupKey',
] as const;

const RANGE = '1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z';

function checkRange(t: { ts: number; tsNanos?: number }, v: number | string, field: string): { ts: number; tsNanos?: number } | DecodeError {
  if (tsInRange(t.ts)) return t;
  const shown = typeof v === 'number' ? String(v) : `"${v.slice(0, 64)}"`;
  return { index: -1, field, message: `${field}: ${shown} is out of range (${RANGE}, as RFC3339 or epoch s/ms/µs/ns)` };
}

function toTime(v: number | string, field: string): { ts: number; tsNanos?: number } | DecodeError {
  const t = parseTime(v, field);
  return 'message' in t ? t : checkRange(t, v, field);
}

function parseTime(v: number | string, field: string): { ts: number; tsNanos?: number } | DecodeError {
  if (typeof v === 'number') {
    // seconds (10 digits), ms (13), µs (16), ns (19)
    if (v < 1e11) return { ts: Math.round(v * 1000) };
    if (v < 1e14) return { ts: Math.trunc(v) };
    if (v < 1e17) return { ts: Math.trunc(v / 1000) };
    return { ts: Math.trunc(v / 1e6) };
  }
  const r = parseRfc3339Nanos(v);
  if (r) return r;
  const t = Date.parse(v);
  if (!Number.isNaN(t) && /^\d{4}-/.test(v)) return { ts: t };
  return { index: -1, field, message: `${field}: "${v.slice(0, 64)}" is not an RFC3339 time or epoch number` };
}

function convert(e: GenericEvent, index: number, now: number): { ok: LogEventInput } | { err: DecodeError } {
  const timeIn = e.ts ?? e.timestamp;
  let ts = now;
  let tsNanos: number | undefined;
  if (timeIn !== undefined) {
    const t = toTime(timeIn, e.ts !== undefined ? 'ts' : 'timestamp');
    if ('message' in t) return { err: { ...t, index } };
    ts = t.ts;
    tsNanos = t.tsNanos;
  }
  const attrs: Record<string, unknown> = { ...(e.attrs ?? {}) };
  for (const [k, v] of Object.entries(e)) if (!KNOWN.has(k)) attrs[k] = v;
  const sevText = e.severityText ?? e.severity ?? e.level;
  const out: LogEventInput = {
    ts,
    source: e.source ?? 'generic',
    message: e.message ?? e.msg ?? '',
    attrs,
    severityNumber: e.severityNumber ?? severityFromText(sevText),
  };
  if (tsNanos) out.tsNanos = tsNanos;
  if (sevText !== undefined) out.severityText = sevText;
  for (const k of COPIED) if (e[k] !== undefined) (out as Record<string, unknown>)[k] = e[k];
  return { ok: out };
}

function addError(out: DecodeResult, e: DecodeError): void {
  out.rejected++;
  if (out.errors.length < MAX_ERRORS_KEPT) out.errors.push(e);
}

/** One element or line: an event, or that event's error; never throws (a decoder bug is that event's error). */
function validateOne(value: unknown, index: number, now: number, out: DecodeResult, maxDepth: number): void {
  const before = out.events.length;
  try {
    validateChecked(value, index, now, out, maxDepth);
  } catch (e) {
    out.events.length = before;
    addError(out, { index, message: `event could not be decoded: ${(e as Error).message}` });
  }
  if (out.events.length > before) out.positions.push(index);
}

function validateChecked(value: unknown, index: number, now: number, out: DecodeResult, maxDepth: number): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    addError(out, { index, message: 'event must be a JSON object' });
    return;
  }
  const deep = tooDeepField(value as Record<string, unknown>, maxDepth);
  if (deep !== undefined) {
    addError(out, { index, field: deep, message: depthMessage(deep, maxDepth) });
    return;
  }
  if (fastValid(value as Record<string, unknown>)) {
    const ev = convert(value as GenericEvent, index, now);
    if ('err' in ev) addError(out, ev.err);
    else out.events.push(ev.ok);
    return;
  }
  const r = genericEventSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.');
    addError(out, { index, field, message: `${field || 'event'}: ${issue.message}` });
    return;
  }
  const ev = convert(r.data, index, now);
  if ('err' in ev) addError(out, ev.err);
  else out.events.push(ev.ok);
}

/** Decodes a body. `index` in errors is the event's position (array index, or NDJSON line number from 0). */
export function decodeGenericEvents(body: string, now: number = Date.now(), opts: DecodeOptions = {}): DecodeResult {
  const out: DecodeResult = { events: [], errors: [], rejected: 0, positions: [] };
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const text = body.trim();
  if (text.length === 0) return out;
  if (text.startsWith('[')) {
    let arr: unknown;
    try {
      arr = JSON.parse(text);
    } catch (e) {
      addError(out, { index: -1, message: `body is not valid JSON: ${(e as Error).message}` });
      return out;
    }
    (arr as unknown[]).forEach((v, i) => validateOne(v, i, now, out, maxDepth));
    return out;
  }
  // one pretty-printed object spans lines: read it whole (NDJSON fails here at the end of its first line)
  if (text.startsWith('{') && text.includes('\n')) {
    let one: unknown;
    try {
      one = JSON.parse(text);
    } catch {
      one = undefined;
    }
    if (one !== undefined) {
      validateOne(one, 0, now, out, maxDepth);
      return out;
    }
  }
  const lines = text.split('\n');
  let index = 0;
  for (const line of lines) {
    const l = line.trim();
    if (l.length === 0) continue;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (e) {
      addError(out, { index, message: `line ${index + 1} is not valid JSON: ${(e as Error).message}` });
      index++;
      continue;
    }
    validateOne(v, index, now, out, maxDepth);
    index++;
  }
  return out;
}
