/**
 * `argus detect` input: files and directories decoded as the server decodes them, merged in event
 * time, with the store's idempotency: an event whose dedupKey was already read (the same EventList
 * delivered twice, overlapping log files) is skipped, as the store's dedup index would.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { LogEventInput } from '../../core/index.ts';
import { parseRfc3339Nanos } from '../../core/index.ts';
import { decodeAuditPayload } from '../../sources/k8s-audit/index.ts';
import { decodeGenericEvents } from '../../transforms/generic/index.ts';

/** bound on remembered idempotency keys (oldest forgotten first, counted) */
export const MAX_DEDUP_KEYS = 1_000_000;

/** A plain text line; a leading RFC3339 timestamp becomes its event time. */
function textLine(line: string, now: number): LogEventInput {
  const at = parseRfc3339Nanos(line.split(/\s/, 1)[0] ?? '');
  return { source: 'file', message: line, ts: at?.ts ?? now, ...(at?.tsNanos ? { tsNanos: at.tsNanos } : {}) };
}

/** Audit shapes first (auto-detected), then generic JSON events, else plain text lines. */
export function decodeInput(text: string, now: number, cluster?: string): { format: string; events: LogEventInput[]; errors: string[] } {
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    const audit = decodeAuditPayload(text, { receivedAt: now, ...(cluster ? { cluster } : {}) });
    if (audit.events.length > 0) return { format: `k8s-audit/${audit.format}`, events: audit.events, errors: audit.errors.map((e) => `record ${e.index}: ${e.message}`) };
    const gen = decodeGenericEvents(text, now);
    return { format: 'json', events: gen.events, errors: gen.errors.map((e) => `record ${e.index}: ${e.message}`) };
  }
  const events = text.split('\n').filter((l) => l.trim() !== '').map((l) => textLine(l.replace(/\r$/, ''), now));
  return { format: 'text', events, errors: [] };
}

/** The files behind `--input` paths: a file as given, a directory's files in name order. */
export function inputFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!statSync(p).isDirectory()) {
      out.push(p);
      continue;
    }
    const names = readdirSync(p, { withFileTypes: true }).filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => d.name).sort();
    out.push(...names.map((n) => join(p, n)));
  }
  return out;
}

function readText(path: string): string {
  const buf = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

export interface DecodedInput {
  /** all events, merged in event time (each file keeps its own order) */
  events: LogEventInput[];
  formats: string[];
  errors: string[];
  undecodable: number;
  /** events skipped because their idempotency key was already read */
  duplicates: number;
  /** idempotency keys forgotten by the bound (a duplicate after that is not recognised) */
  keyEvictions: number;
}

/**
 * Merges per-file event lists by event time: repeatedly takes the head with the smallest ts
 * (ties: the earlier file), so each file's own order (out of order stretches included) is kept.
 */
export function mergeByTime(lists: LogEventInput[][]): LogEventInput[] {
  if (lists.length === 1) return lists[0]!;
  const pos = lists.map(() => 0);
  const out: LogEventInput[] = [];
  const total = lists.reduce((n, l) => n + l.length, 0);
  while (out.length < total) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const e = lists[i]![pos[i]!];
      if (e && (best < 0 || (e.ts ?? 0) < (lists[best]![pos[best]!]!.ts ?? 0))) best = i;
    }
    out.push(lists[best]![pos[best]!++]!);
  }
  return out;
}

export function readInputs(paths: readonly string[], now: number, cluster?: string, maxKeys = MAX_DEDUP_KEYS): DecodedInput {
  const seen = new Set<string>();
  const r: DecodedInput = { events: [], formats: [], errors: [], undecodable: 0, duplicates: 0, keyEvictions: 0 };
  const lists: LogEventInput[][] = [];
  for (const f of inputFiles(paths)) {
    const d = decodeInput(readText(f), now, cluster);
    r.formats.push(d.format);
    r.undecodable += d.errors.length;
    r.errors.push(...d.errors.slice(0, 5).map((e) => `${f}: ${e}`));
    const kept: LogEventInput[] = [];
    for (const e of d.events) {
      const k = e.dedupKey;
      if (k !== undefined) {
        if (seen.has(k)) {
          r.duplicates++;
          continue;
        }
        seen.add(k);
        if (seen.size > maxKeys) {
          seen.delete(seen.values().next().value as string);
          r.keyEvictions++;
        }
      }
      kept.push(e);
    }
    lists.push(kept);
  }
  r.events = mergeByTime(lists);
  return r;
}
