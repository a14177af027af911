/**
 * Events in and out of the store: canonical form before the WAL (only known columns, types
 * coerced, text well-formed, so a WAL frame can always be loaded into the tail), NDJSON encoding,
 * and rows -> LogEvent.
 *
 * Well-formed text: a JS string can hold lone UTF-16 surrogates (a JSON body's `"\ud800"` escape
 * parses to one), which DuckDB's read_json refuses ("no low surrogate in string"): one such event
 * used to fail its whole tail load. Every lone surrogate becomes U+FFFD. Bytes that are not valid
 * UTF-8 never reach here as such: request bodies and WAL payloads are decoded with
 * Buffer#toString('utf8'), which already turns every invalid sequence into U+FFFD.
 */
import { ArgusError, COLUMN_TYPES, EVENT_COLUMNS } from '../../core/index.ts';
import type { LogEvent } from '../../core/index.ts';

declare global {
  // ES2024 (Node 20 has them; the project's lib is ES2023)
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

const INT32_MAX = 2_147_483_647;

function fail(i: number, field: string, why: string): never {
  throw new ArgusError('BAD_EVENT', `event ${i}: ${field} ${why}`, { index: i, field });
}

/** column -> stored type, one lookup per key on the hot path */
const TYPE_OF = new Map<string, string>(EVENT_COLUMNS.map((c) => [c, COLUMN_TYPES[c]]));

/** `s`, or a copy with each lone surrogate replaced by U+FFFD (isWellFormed is O(1) on one-byte strings). */
export function wellFormed(s: string): string {
  return s.isWellFormed() ? s : s.toWellFormed();
}

function stringsOnly(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== 'string' || !x.isWellFormed()) return false;
  return true;
}

/** Whether `e` already has only store columns, stored types and the required fields (then it is used as is). */
function isCanonical(e: Record<string, unknown>): boolean {
  if (typeof e.id !== 'string' || e.id === '' || typeof e.source !== 'string' || e.source === '') return false;
  if (!Number.isSafeInteger(e.ts) || !Number.isSafeInteger(e.receivedAt) || !Number.isSafeInteger(e.severityNumber)) return false;
  if (typeof e.message !== 'string' || e.attrs === null || typeof e.attrs !== 'object' || Array.isArray(e.attrs)) return false;
  for (const k in e) {
    const type = TYPE_OF.get(k);
    if (type === undefined) return false;
    const v = e[k];
    if (v === undefined || v === null) return false;
    switch (type) {
      case 'string':
        if (typeof v !== 'string' || !v.isWellFormed()) return false;
        break;
      case 'int':
        if (!Number.isInteger(v) || Math.abs(v as number) > INT32_MAX) return false;
        break;
      case 'bigint':
        if (!Number.isSafeInteger(v)) return false;
        break;
      case 'string[]':
        if (!stringsOnly(v)) return false;
        break;
      case 'json':
        break;
    }
  }
  return true;
}

/**
 * `e` itself when already canonical, else a copy holding only store columns with the stored types
 * and well-formed column text; throws BAD_EVENT when it cannot be stored. Text inside `attrs` is
 * made well-formed by `encodeBatch` (checked on the encoded line, far cheaper than a walk).
 */
export function canonicalEvent(e: LogEvent, i = 0): LogEvent {
  if (e !== null && typeof e === 'object' && isCanonical(e as unknown as Record<string, unknown>)) return e;
  if (e === null || typeof e !== 'object') fail(i, 'event', 'must be an object');
  const src = e as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const c of EVENT_COLUMNS) {
    const v = src[c];
    if (v === undefined || v === null) continue;
    switch (COLUMN_TYPES[c]) {
      case 'string':
        out[c] = typeof v === 'string' ? wellFormed(v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : fail(i, c, 'must be a string');
        break;
      case 'int':
      case 'bigint': {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
        if (!Number.isFinite(n)) fail(i, c, 'must be a number');
        const t = Math.trunc(n);
        if (COLUMN_TYPES[c] === 'int' && Math.abs(t) > INT32_MAX) fail(i, c, 'is out of range');
        if (!Number.isSafeInteger(t)) fail(i, c, 'is out of range');
        out[c] = t;
        break;
      }
      case 'string[]':
        if (!Array.isArray(v)) fail(i, c, 'must be an array of strings');
        out[c] = v.map((x) => (typeof x === 'string' ? wellFormed(x) : wellFormed(JSON.stringify(x) ?? 'null')));
        break;
      case 'json':
        if (typeof v !== 'object' || Array.isArray(v)) fail(i, c, 'must be an object');
        out[c] = v;
        break;
    }
  }
  if (typeof out.id !== 'string' || out.id === '') fail(i, 'id', 'is required');
  if (typeof out.source !== 'string' || out.source === '') fail(i, 'source', 'is required');
  if (out.ts === undefined) fail(i, 'ts', 'is required');
  if (out.receivedAt === undefined) out.receivedAt = Date.now();
  if (out.severityNumber === undefined) out.severityNumber = 0;
  if (out.message === undefined) out.message = '';
  if (out.attrs === undefined) out.attrs = {};
  return out as unknown as LogEvent;
}

export interface Refusal {
  index: number;
  field?: string;
  message: string;
}

function refusal(index: number, err: unknown): Refusal {
  const field = (err as ArgusError).details?.field;
  const message = (err as Error).message.replace(/^event \d+: /, '');
  return typeof field === 'string' ? { index, field, message } : { index, message };
}

/** canonicalEvent over a batch: an event that cannot be canonicalized is refused alone (by its index). */
export function canonicalBatch(events: readonly LogEvent[]): { canon: LogEvent[]; indexes: number[]; rejected: Refusal[] } {
  const canon: LogEvent[] = [];
  const indexes: number[] = [];
  const rejected: Refusal[] = [];
  for (let i = 0; i < events.length; i++) {
    try {
      canon.push(canonicalEvent(events[i]!, i));
      indexes.push(i);
    } catch (e) {
      rejected.push(refusal(i, e));
    }
  }
  return { canon, indexes, rejected };
}

/**
 * The slow path after encodeNdjson(stored) threw (an event JSON.stringify cannot encode: too deep,
 * a BigInt...): encodes event by event, refusing the ones that fail. Their index is their position
 * in the appended batch (`canon[i]` came from `indexes[i]`, matched by identity); their dedup keys
 * are returned to release.
 */
export function encodeEach(
  stored: readonly LogEvent[],
  canon: readonly LogEvent[],
  indexes: readonly number[],
  rejected: Refusal[],
): { stored: LogEvent[]; ndjson: string; refusedKeys: string[] } {
  const refusedKeys: string[] = [];
  const ok: LogEvent[] = [];
  let ndjson = '';
  let at: Map<LogEvent, number> | undefined;
  for (const e of stored) {
    let line: string;
    try {
      line = JSON.stringify(e);
    } catch (err) {
      at ??= new Map(canon.map((x, i) => [x, indexes[i]!]));
      rejected.push({ index: at.get(e) ?? -1, message: `event could not be encoded: ${(err as Error).message}` });
      if (e.dedupKey !== undefined && e.dedupKey !== '') refusedKeys.push(e.dedupKey);
      continue;
    }
    ok.push(e);
    ndjson += line + '\n';
  }
  return { stored: ok, ndjson, refusedKeys };
}

/** One JSON line per event (the WAL payload and the tail's load format). */
export function encodeNdjson(events: readonly LogEvent[]): string {
  let s = '';
  for (const e of events) s += JSON.stringify(e) + '\n';
  return s;
}

/**
 * A lone-surrogate escape in JSON.stringify output: JSON.stringify writes a lone surrogate only as
 * `\udXXX` (lowercase hex) and a valid pair as its raw characters, so such an escape is a real one
 * when an even number of backslashes precede its own (`\\ud800` is the text "\ud800").
 */
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/** `line` (one JSON.stringify output) with every lone-surrogate escape replaced by `\ufffd`. */
export function fixLoneSurrogates(line: string): string {
  return line.includes('\\ud') ? line.replace(LONE_SURROGATE_ESCAPE, '$1\\ufffd') : line;
}

/**
 * The WAL payload of canonical `events`, every string (attrs keys and values included) well-formed.
 * Fast path: one search of the encoded batch for `\ud`; only a batch holding one is re-encoded line
 * by line, and each event whose text changed is replaced (in `events`, for the caller's listeners
 * and answer) by the parse of its fixed line, so what is stored and what is returned agree.
 */
export function encodeBatch(events: readonly LogEvent[]): { ndjson: string; events: readonly LogEvent[] } {
  const ndjson = encodeNdjson(events);
  if (!ndjson.includes('\\ud')) return { ndjson, events };
  // JSON.stringify escapes every newline inside strings: line i is event i
  const lines = ndjson.split('\n');
  let out: LogEvent[] | undefined;
  for (let i = 0; i < events.length; i++) {
    const fixed = fixLoneSurrogates(lines[i]!);
    if (fixed === lines[i]) continue;
    lines[i] = fixed;
    (out ??= events.slice())[i] = JSON.parse(fixed) as LogEvent;
  }
  return out ? { ndjson: lines.join('\n'), events: out } : { ndjson, events };
}

export function decodeNdjson(text: string): LogEvent[] {
  const out: LogEvent[] = [];
  for (const line of text.split('\n')) if (line) out.push(JSON.parse(line) as LogEvent);
  return out;
}

/** A DuckDB result value made plain: BigInt -> number, nested lists/structs converted. */
export function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plainValue);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = plainValue(x);
    return o;
  }
  return v;
}

/** A store row (column name -> JS value) back to a LogEvent: attrs parsed, nulls dropped. */
export function rowToEvent(row: Record<string, unknown>): LogEvent {
  const e: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined) continue;
    if (k === 'attrs') e.attrs = typeof v === 'string' ? (JSON.parse(v) as unknown) : plainValue(v);
    else e[k] = plainValue(v);
  }
  if (e.attrs === undefined) e.attrs = {};
  return e as unknown as LogEvent;
}
