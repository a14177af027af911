/**
 * The one audit file reader of `argus ingest` and `argus detect`: hands decoded batches of at
 * most `batchSize` events to `onBatch`, awaiting it before reading on. Plain or gzip. Two shapes:
 * - one record per line (the apiserver log backend's NDJSON; a line may be an EventList or a GKE
 *   LogEntry): streamed, memory bounded by one batch plus one line; errors are indexed by 0-based
 *   line (`indexes: 'line'`);
 * - one JSON document (an EventList, a JSON array, an EKS CloudWatch export or subscription
 *   message, AKS diagnostic records, a GKE export), told apart by its first line not being a
 *   whole record: read whole (at most MAX_DOCUMENT_BYTES) and decoded as the webhook decodes a
 *   body; errors are indexed by record (`indexes: 'record'`, see docs/audit-mapping.md).
 * Rotation is a later concern.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { ArgusError } from '../../core/index.ts';
import { Collector, parseJson } from './collect.ts';
import { decodeAuditPayload } from './decode.ts';
import { classifyDocument } from './detect-format.ts';
import { collectLine } from './eventlist.ts';
import { isGkeLogEntry } from './gke.ts';
import type { DecodeResult, DetectedFormat } from './types.ts';

export interface ReadAuditFileOptions {
  cluster?: string;
  /** max events per batch (1..1000, default 1000) */
  batchSize?: number;
  receivedAt?: number;
  /** nesting cap of one record (default DEFAULT_MAX_DEPTH) */
  maxDepth?: number;
}

export interface ReadAuditFileSummary {
  lines: number;
  events: number;
  errors: number;
  skipped: number;
  redactions: number;
  batches: number;
  /** `ndjson` when read line by line, else the document's detected shape (`eks`, `eventlist`...) */
  format: DetectedFormat;
  /** what error indexes count: lines of the file, or records of the document */
  indexes: 'line' | 'record';
}

export const MAX_BATCH = 1000;
/** largest file read as one JSON document (a record-per-line file has no such limit) */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** Is this first non-blank line a whole record of a record-per-line file? */
function isRecordLine(line: string): boolean {
  const p = parseJson(line);
  if (!p.ok) return false;
  const shape = classifyDocument(p.value);
  return shape === 'event' || shape === 'eventlist' || isGkeLogEntry(p.value);
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** A raw piece of an audit file: lines of a record-per-line file (from 0-based `first`), or the whole document. */
export type AuditFilePart = { kind: 'lines'; first: number; lines: string[] } | { kind: 'document'; text: string };

/**
 * The raw side of the reader (for a client that sends the file on, as `argus ingest --server`):
 * lines in groups of at most `maxLines` lines or ~`maxBytes`, or the one document.
 * `.gz` (or gzip magic bytes) is decompressed on the fly.
 */
export async function* auditFileParts(path: string, maxLines = MAX_BATCH, maxBytes = 4 * 1024 * 1024): AsyncGenerator<AuditFilePart> {
  const gz = path.endsWith('.gz') || (await isGzip(path));
  const file = createReadStream(path);
  const input: Readable = gz ? file.pipe(createGunzip()) : file;
  if (gz) file.on('error', (e) => input.destroy(e));
  let mode = 'unknown' as 'unknown' | 'lines' | 'document';
  let group: string[] = [];
  let first = 0;
  let lineNo = 0;
  let bytes = 0;
  const take = (raw: string): AuditFilePart | undefined => {
    const p = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (mode === 'unknown' && p.trim() !== '') mode = isRecordLine(p) ? 'lines' : 'document';
    lineNo++;
    bytes += p.length + 1;
    if (mode === 'document' && bytes > MAX_DOCUMENT_BYTES) {
      throw new ArgusError('BAD_REQUEST', `${path}: a JSON document larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB: split it, or convert it to one event per line`);
    }
    group.push(p);
    if (mode !== 'lines' || (group.length < maxLines && bytes < maxBytes)) return undefined;
    const out: AuditFilePart = { kind: 'lines', first, lines: group };
    group = [];
    first = lineNo;
    bytes = 0;
    return out;
  };
  const decoder = new StringDecoder('utf8');
  let partial = '';
  try {
    for await (const chunk of input) {
      const text = partial + decoder.write(chunk as Buffer);
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) {
        const out = take(p);
        if (out) yield out;
      }
    }
    partial += decoder.end();
    if (partial !== '') take(partial);
    if (mode === 'document') yield { kind: 'document', text: group.join('\n') };
    else if (group.length > 0) yield { kind: 'lines', first, lines: group };
  } finally {
    input.destroy();
    file.destroy();
  }
}

/** Reads and decodes one file (see the top of this file for the two shapes). */
export async function readAuditFile(
  path: string,
  onBatch: (batch: DecodeResult) => void | Promise<void>,
  opts: ReadAuditFileOptions = {},
): Promise<ReadAuditFileSummary> {
  const size = Math.min(MAX_BATCH, Math.max(1, opts.batchSize ?? MAX_BATCH));
  const ctx = {
    receivedAt: opts.receivedAt ?? Date.now(),
    ...(opts.cluster ? { cluster: opts.cluster } : {}),
    ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
  };
  const sum: ReadAuditFileSummary = { lines: 0, events: 0, errors: 0, skipped: 0, redactions: 0, batches: 0, format: 'ndjson', indexes: 'line' };
  let c = new Collector(ctx, 'ndjson');
  const flush = async (): Promise<void> => {
    const r = c.result;
    if (r.events.length === 0 && r.errors.length === 0 && r.skipped.length === 0) return;
    sum.events += r.events.length;
    sum.errors += r.rejected;
    sum.skipped += r.skipped.length;
    sum.redactions += r.redactions;
    sum.batches++;
    c = new Collector(ctx, sum.format);
    await onBatch(r);
  };
  /** moves events past `size` into the next batches (an EventList line or a document adds many at once) */
  const spill = async (): Promise<void> => {
    while (c.result.events.length >= size) {
      const extra = c.result.events.splice(size);
      const at = c.result.positions.splice(size);
      await flush();
      extra.forEach((e, i) => c.push(e, at[i]!, true));
    }
  };
  for await (const part of auditFileParts(path, size)) {
    if (part.kind === 'lines') {
      for (let i = 0; i < part.lines.length; i++) {
        collectLine(c, part.lines[i]!, part.first + i);
        await spill();
      }
      sum.lines = part.first + part.lines.length;
      continue;
    }
    sum.lines = part.text.split('\n').length;
    const r = decodeAuditPayload(part.text, ctx);
    sum.format = r.format;
    sum.indexes = r.format === 'ndjson' ? 'line' : 'record';
    c = new Collector(ctx, r.format);
    Object.assign(c.result, r);
    await spill();
  }
  await flush();
  return sum;
}
