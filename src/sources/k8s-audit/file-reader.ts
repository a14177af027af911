/**
 * `argus ingest --k8s-audit FILE...`: streams an audit log file (the apiserver log backend's
 * NDJSON, plain or gzip) line by line and hands decoded batches of at most `batchSize` events
 * to `onBatch`, awaiting it before reading on. Memory stays bounded by one batch plus one line.
 * Errors carry the 0-based line number as `index`. Rotation is a later concern.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { Collector } from './collect.ts';
import { collectLine } from './eventlist.ts';
import type { DecodeResult } from './types.ts';

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
}

export const MAX_BATCH = 1000;

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

/** Reads one file; `.gz` (or gzip magic bytes) is decompressed on the fly. */
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
  const gz = path.endsWith('.gz') || (await isGzip(path));
  const file = createReadStream(path);
  const input: Readable = gz ? file.pipe(createGunzip()) : file;
  if (gz) file.on('error', (e) => input.destroy(e));
  const sum: ReadAuditFileSummary = { lines: 0, events: 0, errors: 0, skipped: 0, redactions: 0, batches: 0 };
  let c = new Collector(ctx, 'ndjson');
  const flush = async (): Promise<void> => {
    const r = c.result;
    if (r.events.length === 0 && r.errors.length === 0 && r.skipped.length === 0) return;
    sum.events += r.events.length;
    sum.errors += r.rejected;
    sum.skipped += r.skipped.length;
    sum.redactions += r.redactions;
    sum.batches++;
    c = new Collector(ctx, 'ndjson');
    await onBatch(r);
  };
  const line = async (text: string): Promise<void> => {
    collectLine(c, text.endsWith('\r') ? text.slice(0, -1) : text, sum.lines++);
    // a line holding an EventList may add several events at once; keep batches within the limit
    while (c.result.events.length >= size) {
      const extra = c.result.events.splice(size);
      const at = c.result.positions.splice(size);
      await flush();
      extra.forEach((e, i) => c.push(e, at[i]!, true));
    }
  };
  const decoder = new StringDecoder('utf8');
  let partial = '';
  try {
    for await (const chunk of input) {
      const text = partial + decoder.write(chunk as Buffer);
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) await line(p);
    }
    partial += decoder.end();
    if (partial !== '') await line(partial);
    await flush();
  } finally {
    input.destroy();
    file.destroy();
  }
  return sum;
}
