/**
 * `argus ingest --k8s-audit FILE...`: loads audit log-backend files (JSON lines, plain or .gz).
 * With --server (default) the lines go to the running server's webhook endpoint, so they are
 * decoded, deduplicated and detected exactly as live traffic; with --data they are written straight
 * into a data directory (server not running). Re-running over the same files stores nothing twice.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { pino } from 'pino';
import { CLI_INGEST_RECEIVER, createApp } from '../../app.ts';
import { ArgusError } from '../../core/index.ts';
import { readAuditFile } from '../../sources/k8s-audit/index.ts';
import { DEFAULT_SERVER, fetchJson } from '../http-client.ts';

interface IngestOpts {
  k8sAudit?: string[];
  server: string;
  data?: string;
  cluster?: string;
  token?: string;
}

interface Totals {
  files: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

function lines(path: string): AsyncIterable<string> {
  const file = createReadStream(path);
  const input: Readable = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  return createInterface({ input, crlfDelay: Infinity });
}

async function viaServer(files: string[], o: IngestOpts, t: Totals): Promise<void> {
  const qs = o.cluster ? `?cluster=${encodeURIComponent(o.cluster)}` : '';
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  for (const f of files) {
    let batch: string[] = [];
    let bytes = 0;
    const send = async (): Promise<void> => {
      if (batch.length === 0) return;
      const r = (await fetchJson(`${o.server}/api/v1/ingest/k8s-audit${qs}`, { method: 'POST', body: batch.join('\n'), headers })) as {
        accepted?: number;
        duplicates?: number;
        rejected?: number;
        errors?: { index: number; message: string }[];
      };
      t.accepted += r.accepted ?? 0;
      t.duplicates += r.duplicates ?? 0;
      t.rejected += r.rejected ?? 0;
      for (const e of r.errors?.slice(0, 3) ?? []) process.stderr.write(`${f}: ${e.message}\n`);
      batch = [];
      bytes = 0;
    };
    for await (const line of lines(f)) {
      if (line.trim() === '') continue;
      batch.push(line);
      bytes += line.length;
      if (batch.length >= 1000 || bytes > 4 * 1024 * 1024) await send();
    }
    await send();
    t.files++;
  }
}

async function viaDataDir(files: string[], o: IngestOpts, t: Totals): Promise<void> {
  const app = createApp({ data: o.data }, { logger: pino({ level: 'warn' }), defaultMetrics: false });
  // the server's pipeline (provenance, dedupe, detection on the stream), without listening
  await app.open();
  try {
    for (const f of files) {
      await readAuditFile(f, async (batch) => {
        const r = await app.ingest(batch.events, { receiver: CLI_INGEST_RECEIVER.name });
        t.accepted += r.accepted;
        t.duplicates += r.duplicates;
        // events the receiver may not write or the store refuses; their neighbours are stored
        const refused = r.rejected.map((x) => ({ ...x, index: batch.positions[x.position] ?? x.position }));
        t.rejected += batch.rejected + refused.length;
        for (const e of [...batch.errors, ...refused].slice(0, 3)) process.stderr.write(`${f}: line ${e.index + 1}: ${e.message}\n`);
      }, { maxDepth: app.config.limits.maxDepth, ...(o.cluster ? { cluster: o.cluster } : {}) });
      t.files++;
    }
  } finally {
    await app.stop();
  }
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('Load Kubernetes audit log files (JSON lines, .gz ok) into Argus')
    .option('--k8s-audit <files...>', 'audit log-backend files')
    .option('--server <url>', 'send to this running server', DEFAULT_SERVER)
    .option('--data <dir>', 'write straight into this data directory instead (server must not be running)')
    .option('--cluster <name>', 'cluster name for these events')
    .option('--token <token>', 'bearer token for the server')
    .action(async (o: IngestOpts) => {
      const files = o.k8sAudit ?? [];
      if (files.length === 0) throw new ArgusError('BAD_REQUEST', 'nothing to ingest: pass --k8s-audit FILE...');
      const t: Totals = { files: 0, accepted: 0, duplicates: 0, rejected: 0 };
      if (o.data) await viaDataDir(files, o, t);
      else await viaServer(files, o, t);
      process.stdout.write(`${JSON.stringify(t)}\n`);
      if (t.rejected > 0) process.exitCode = 1;
    });
}
