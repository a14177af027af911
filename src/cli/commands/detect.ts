/**
 * `argus detect --input FILE [--rules PATH]... [--no-builtin] [-o ndjson]`: runs the detection
 * rules over a file offline, exactly as the server does (stateful windows in event time, events
 * in file order, the same allowed lateness), then ends the input: pending windows close and
 * absence deadlines up to the last event time fire (`--until` moves that end). Prints one NDJSON
 * alert per line (`-o table`: time, priority, rule, title; `-o json`: an array). Input: Kubernetes
 * audit events in any shape the webhook takes (EventList, NDJSON log files, EKS/GKE/AKS envelopes),
 * read by the audit file reader `argus ingest` shares; else generic JSON events or plain text lines.
 * Exit codes: 0 it ran (alerts or not), 2 bad usage or bad rules (file:line:column).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import type { LogEvent, LogEventInput } from '../../core/index.ts';
import { ArgusError, finalizeEvent, isArgusError, parseRfc3339Nanos, parseTime } from '../../core/index.ts';
import type { Alert, RuleFileInput } from '../../detect/index.ts';
import { alertPriority, createDetector, describeWarning, loadRuleFiles } from '../../detect/index.ts';
import { builtinRuleFiles } from '../../detect/pack/index.ts';
import { readAuditFile } from '../../sources/k8s-audit/index.ts';
import { decodeGenericEvents } from '../../transforms/generic/index.ts';
import { formatTime, outputFormat, renderTable } from '../output.ts';

interface DetectOpts {
  input: string;
  rules: string[];
  builtin: boolean;
  output: string;
  allowedLateness: string;
  until?: string;
  cluster?: string;
  local?: boolean;
}

const BATCH = 1000;

function ruleFilesAt(path: string): RuleFileInput[] {
  if (!statSync(path).isDirectory()) return [{ path, text: readFileSync(path, 'utf8') }];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort()
    .map((f) => ({ path: join(path, f), text: readFileSync(join(path, f), 'utf8') }));
}

function readInput(path: string): string {
  const buf = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

/** A plain text line; a leading RFC3339 timestamp becomes its event time. */
function textLine(line: string, now: number): LogEventInput {
  const at = parseRfc3339Nanos(line.split(/\s/, 1)[0] ?? '');
  return { source: 'file', message: line, ts: at?.ts ?? now, ...(at?.tsNanos ? { tsNanos: at.tsNanos } : {}) };
}

/** Not audit: generic JSON events, else plain text lines. */
export function decodeOther(text: string, now: number): { format: string; events: LogEventInput[]; errors: string[] } {
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    const gen = decodeGenericEvents(text, now);
    return { format: 'json', events: gen.events, errors: gen.errors.map((e) => `record ${e.index}: ${e.message}`) };
  }
  const events = text.split('\n').filter((l) => l.trim() !== '').map((l) => textLine(l.replace(/\r$/, ''), now));
  return { format: 'text', events, errors: [] };
}

/**
 * Feeds the input to `onEvents` in batches: audit shapes first, through the audit file reader
 * (streamed when the file has a record per line); when it holds no audit event at all, the
 * whole file as generic JSON events or text lines.
 */
async function readInputEvents(o: DetectOpts, now: number, onEvents: (events: LogEventInput[]) => void): Promise<{ format: string; events: number; errors: string[]; errorCount: number }> {
  const errors: string[] = [];
  const sum = await readAuditFile(o.input, (b) => {
    for (const e of b.errors) if (errors.length < 5) errors.push(b.format === 'ndjson' ? `line ${e.index + 1}: ${e.message}` : `record ${e.index}: ${e.message}`);
    onEvents(b.events);
  }, { receivedAt: now, ...(o.cluster ? { cluster: o.cluster } : {}) });
  if (sum.events > 0) return { format: `k8s-audit/${sum.format}`, events: sum.events, errors, errorCount: sum.errors };
  const other = decodeOther(readInput(o.input), now);
  for (let i = 0; i < other.events.length; i += BATCH) onEvents(other.events.slice(i, i + BATCH));
  return { format: other.format, events: other.events.length, errors: other.errors.slice(0, 5), errorCount: other.errors.length };
}

function untilOf(o: DetectOpts): number | undefined {
  if (o.until === undefined || o.until === 'end') return undefined;
  if (o.until === 'inf') return Number.POSITIVE_INFINITY;
  return parseTime(o.until, '--until');
}

function alertJson(a: Alert): Record<string, unknown> {
  const { rule, severity, title, auditIds, eventIds, count, firstTs, lastTs, labels } = a;
  return { rule, severity, priority: alertPriority(a), title, auditIds, eventIds, count, firstTs, lastTs, labels };
}

async function run(o: DetectOpts): Promise<void> {
  const format = outputFormat(o.output);
  const files = [...(o.builtin ? builtinRuleFiles() : []), ...o.rules.flatMap(ruleFilesAt)];
  if (files.length === 0) throw new ArgusError('BAD_REQUEST', 'no rules: pass --rules FILE|DIR, or drop --no-builtin');
  const ruleSet = loadRuleFiles(files);
  for (const w of ruleSet.warnings) process.stderr.write(`warning: ${describeWarning(w)}\n`);
  const until = untilOf(o);
  const now = Date.now();
  const detector = createDetector({ ruleSet, allowedLateness: o.allowedLateness });
  const style = { local: o.local === true };
  const table: string[][] = [];
  const json: Record<string, unknown>[] = [];
  let alerts = 0;
  const print = (list: Alert[]): void => {
    alerts += list.length;
    if (list.length === 0) return;
    if (format === 'ndjson') process.stdout.write(list.map((a) => `${JSON.stringify(alertJson(a))}\n`).join(''));
    else if (format === 'json') json.push(...list.map(alertJson));
    else table.push(...list.map((a) => [formatTime(a.lastTs, style), alertPriority(a), String(a.count), a.rule, a.title]));
  };
  const input = await readInputEvents(o, now, (events) => {
    const batch: LogEvent[] = events.map((e) => finalizeEvent(e, now));
    print(detector.process(batch));
  });
  for (const e of input.errors) process.stderr.write(`${o.input}: ${e}\n`);
  print(detector.flush(until));
  if (format === 'json') process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  if (format === 'table') process.stdout.write(table.length === 0 ? '' : `${renderTable(['time', 'severity', 'count', 'rule', 'title'], table, 100)}\n`);
  const s = detector.stats();
  process.stderr.write(
    `argus detect: ${input.events} events (${input.format}), ${input.errorCount} undecodable, ${alerts} alerts, ${s.lateDropped} late_dropped, ${s.evictions} evictions\n`,
  );
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function registerDetectCommand(program: Command): void {
  program
    .command('detect')
    .description('Run detection rules over a log file offline and print the alerts (NDJSON, JSON or a table)')
    .requiredOption('--input <file>', 'audit events (EventList, NDJSON, EKS/GKE/AKS), JSON events or text lines; .gz ok')
    .option('--rules <path>', 'rules file or directory of .yaml files (repeatable)', collect, [])
    .option('--no-builtin', 'do not load the built-in rules')
    .option('-o, --output <format>', 'ndjson (an alert per line) | json | table', 'ndjson')
    .option('--allowed-lateness <duration>', 'how far out of order events may come (as the server)', '1m')
    .option('--until <time>', "end of the input for absence rules: 'end' (last event time), 'inf', or a time", 'end')
    .option('--cluster <name>', 'cluster name for audit events')
    .option('--local', 'table times in the local time zone (default: UTC)')
    .action(async (o: DetectOpts) => {
      try {
        await run(o);
      } catch (e) {
        const usage = isArgusError(e) && ['BAD_RULE', 'BAD_REQUEST', 'BAD_CONFIG'].includes(e.code);
        const io = (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR';
        if (!usage && !io) throw e;
        process.stderr.write(`argus: ${(e as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
