/**
 * `argus ingest --k8s-audit FILE...`: loads Kubernetes audit files in every shape `argus detect`
 * reads (log-backend NDJSON, an EventList, EKS CloudWatch exports, GKE and AKS exports; plain or
 * .gz), through the one audit file reader (src/sources/k8s-audit/file-reader.ts).
 * With --server (default) the records go to the running server's webhook endpoint, so they are
 * decoded, deduplicated and detected exactly as live traffic; with --data they are written straight
 * into a data directory (server not running: the store's data-dir lock refuses, naming the
 * server's pid, while one owns it). Re-running over the same files stores nothing twice.
 * A bad record is named by file and line (or record, in a one-document file); a missing or
 * unreadable file is reported and skipped; the others are loaded. Prints a summary per file and a
 * total (`-o json`: one JSON object). Exit 0 when everything was stored, 1 when a record or a file
 * failed, 2 on bad usage.
 */
import type { Command } from 'commander';
import { destination, pino } from 'pino';
import { CLI_INGEST_RECEIVER, createApp } from '../../app.ts';
import { ArgusError } from '../../core/index.ts';
import { auditFileParts, readAuditFile } from '../../sources/k8s-audit/index.ts';
import { CliError, describeFailure } from '../cli-error.ts';
import { SERVER_HELP, errorAnswer, requestAny, serverUrl } from '../http-client.ts';

interface IngestOpts {
  k8sAudit?: string[];
  server?: string;
  data?: string;
  cluster?: string;
  token?: string;
  output: string;
}

export interface FileResult {
  file: string;
  /** ndjson (line by line) or the document's shape (eks, eventlist...); absent when unread */
  format?: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** why the file could not be read (it was skipped, or read up to there) */
  failed?: string;
}

/** bad records named per file; the rest are counted */
const ERRORS_SHOWN = 5;

class FileReport {
  shown = 0;
  readonly r: FileResult;
  constructor(file: string) {
    this.r = { file, accepted: 0, duplicates: 0, rejected: 0 };
  }
  /** a bad record: `index` is a 0-based line, or a record of a one-document file */
  bad(index: number, message: string, unit: 'line' | 'record'): void {
    if (this.shown++ >= ERRORS_SHOWN) return;
    process.stderr.write(unit === 'line' ? `${this.r.file}:${index + 1}: ${message}\n` : `${this.r.file}: record ${index}: ${message}\n`);
  }
  done(): void {
    if (this.shown > ERRORS_SHOWN) process.stderr.write(`${this.r.file}: ${this.shown - ERRORS_SHOWN} more bad records not shown\n`);
  }
}

interface BatchAnswer {
  accepted?: number;
  duplicates?: number;
  rejected?: number;
  errors?: { index: number; message: string }[];
  error?: { errors?: { index: number; message: string }[] };
}

async function fileViaServer(base: string, rep: FileReport, o: IngestOpts): Promise<void> {
  const qs = o.cluster ? `?cluster=${encodeURIComponent(o.cluster)}` : '';
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  for await (const part of auditFileParts(rep.r.file)) {
    const unit = part.kind === 'lines' ? 'line' : 'record';
    const offset = part.kind === 'lines' ? part.first : 0;
    rep.r.format ??= part.kind === 'lines' ? 'ndjson' : 'document';
    const body = part.kind === 'lines' ? part.lines.join('\n') : part.text;
    if (body.trim() === '') continue;
    const res = await requestAny(base, `/api/v1/ingest/k8s-audit${qs}`, { method: 'POST', body, headers: part.kind === 'lines' ? headers : { ...headers, 'content-type': 'application/json' } });
    const text = await res.text();
    let a: BatchAnswer | undefined;
    try {
      a = JSON.parse(text) as BatchAnswer;
    } catch {
      a = undefined;
    }
    // 400 "no valid event in the batch" names its records; any other refusal stops the command
    const errors = a?.errors ?? (res.status === 400 ? a?.error?.errors : undefined);
    if (!res.ok && errors === undefined) {
      const e = errorAnswer(base, res, text);
      if (res.status === 413) throw new CliError(`${rep.r.file}: ${e.message}`, 1);
      throw e;
    }
    rep.r.accepted += a?.accepted ?? 0;
    rep.r.duplicates += a?.duplicates ?? 0;
    rep.r.rejected += (a as { rejected?: number } | undefined)?.rejected ?? errors?.length ?? 0;
    for (const e of errors ?? []) rep.bad(offset + e.index, e.message, unit);
  }
}

type OfflineApp = ReturnType<typeof createApp>;

async function fileViaDataDir(app: OfflineApp, rep: FileReport, o: IngestOpts): Promise<void> {
  const sum = await readAuditFile(rep.r.file, async (batch) => {
    const r = await app.ingest(batch.events, { receiver: CLI_INGEST_RECEIVER.name });
    rep.r.accepted += r.accepted;
    rep.r.duplicates += r.duplicates;
    // events the receiver may not write or the store refuses; their neighbours are stored
    const refused = r.rejected.map((x) => ({ ...x, index: batch.positions[x.position] ?? x.position }));
    rep.r.rejected += batch.rejected + refused.length;
    const unit = batch.format === 'ndjson' ? 'line' : 'record';
    for (const e of [...batch.errors, ...refused].sort((x, y) => x.index - y.index)) rep.bad(e.index, e.message, unit);
  }, { maxDepth: app.config.limits.maxDepth, ...(o.cluster ? { cluster: o.cluster } : {}) });
  rep.r.format = sum.format;
}

/** A failure that concerns this one file (it is skipped), as opposed to the server or the store. */
function fileFailure(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== undefined && /^(ENOENT|EACCES|EPERM|EISDIR|ENOTDIR|Z_|ERR_STRING_TOO_LONG)/.test(code)) {
    return code.startsWith('Z_') ? `not a valid gzip file (${(e as Error).message})` : describeFailure(e).message.replace(/^cannot open [^:]*: /, '');
  }
  if (e instanceof ArgusError && e.code === 'BAD_REQUEST') return e.message;
  return undefined;
}

function summaryLine(r: FileResult): string {
  if (r.failed !== undefined && r.accepted + r.duplicates + r.rejected === 0) return `${r.file}: skipped: ${r.failed}`;
  const counts = `${r.accepted} stored, ${r.duplicates} already there, ${r.rejected} rejected${r.format ? ` (${r.format})` : ''}`;
  return r.failed === undefined ? `${r.file}: ${counts}` : `${r.file}: ${counts}; stopped: ${r.failed}`;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('Load Kubernetes audit files (log-backend JSON lines, EventList, EKS/GKE/AKS exports; .gz ok) into Argus')
    .option('--k8s-audit <files...>', 'audit files')
    .option('--server <url>', `send to this running server: ${SERVER_HELP}`)
    .option('--data <dir>', 'write straight into this data directory instead (refused while a server owns it)')
    .option('--cluster <name>', 'cluster name for these events')
    .option('--token <token>', 'bearer token for the server')
    .option('-o, --output <format>', 'table (a line per file and a total) | json', 'table')
    .action(async (o: IngestOpts) => {
      if (o.output !== 'table' && o.output !== 'json') throw new CliError(`-o: "${o.output}" is not one of table, json`, 2);
      const files = o.k8sAudit ?? [];
      if (files.length === 0) throw new CliError('nothing to ingest: pass --k8s-audit FILE...', 2);
      if (o.data !== undefined && o.server !== undefined) throw new CliError('give --server or --data, not both', 2);
      const base = o.data === undefined ? serverUrl(o.server) : '';
      const app = o.data === undefined ? undefined : createApp({ data: o.data }, { logger: pino({ level: 'warn' }, destination(2)), defaultMetrics: false });
      const results: FileResult[] = [];
      // the server's pipeline (provenance, dedupe, detection on the stream), without listening
      if (app) await app.open();
      try {
        for (const f of files) {
          const rep = new FileReport(f);
          results.push(rep.r);
          try {
            if (app) await fileViaDataDir(app, rep, o);
            else await fileViaServer(base, rep, o);
          } catch (e) {
            const why = fileFailure(e) ?? (e instanceof CliError && e.message.startsWith(`${f}: `) ? e.message.slice(f.length + 2) : undefined);
            if (why === undefined) throw e;
            rep.r.failed = why;
            process.stderr.write(`${f}: ${why}\n`);
          }
          rep.done();
        }
        // as a server would: what was stored is detected (and its alerts stored) before exiting
        if (app) await app.detection.idle();
      } finally {
        if (app) await app.stop();
      }
      const total = results.reduce((t, r) => ({ accepted: t.accepted + r.accepted, duplicates: t.duplicates + r.duplicates, rejected: t.rejected + r.rejected }), { accepted: 0, duplicates: 0, rejected: 0 });
      const failed = results.filter((r) => r.failed !== undefined).length;
      const read = results.length - results.filter((r) => r.failed !== undefined && r.accepted + r.duplicates + r.rejected === 0).length;
      if (o.output === 'json') {
        process.stdout.write(`${JSON.stringify({ files: read, failedFiles: failed, ...total, perFile: results })}\n`);
      } else {
        for (const r of results) process.stdout.write(`${summaryLine(r)}\n`);
        process.stdout.write(`Total: ${read} of ${results.length} files read${failed > 0 ? ` (${failed} failed)` : ''}; ${total.accepted} events stored, ${total.duplicates} already there, ${total.rejected} rejected.\n`);
      }
      if (total.rejected > 0 || failed > 0) process.exitCode = 1;
    });
}
