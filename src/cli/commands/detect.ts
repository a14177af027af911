/**
 * `argus detect --input FILE [--rules PATH]... [--no-builtin] [-o ndjson]`: runs the detection
 * rules over a file offline, exactly as the server does (stateful windows in event time, events
 * in file order, the same allowed lateness), then ends the input: pending windows close and
 * absence deadlines up to the last event time fire (`--until` moves that end). Prints one NDJSON
 * alert per line. Input: Kubernetes audit events in any shape the webhook takes (EventList,
 * NDJSON log files, EKS/GKE/AKS envelopes), generic JSON events, or plain text lines.
 * Exit codes: 0 it ran (alerts or not), 2 bad usage or bad rules (file:line:column).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import type { LogEvent, LogEventInput } from '../../core/index.ts';
import { ArgusError, detectionConfigSchema, finalizeEvent, isArgusError, parseConfig, parseRfc3339Nanos, parseTime } from '../../core/index.ts';
import type { Alert, RuleFileInput } from '../../detect/index.ts';
import { createDetector, describeWarning, loadRuleFiles } from '../../detect/index.ts';
import { builtinRuleFiles, configListsFile } from '../../detect/pack/index.ts';
import { loadServerConfig } from '../load-config.ts';
import { decodeAuditPayload } from '../../sources/k8s-audit/index.ts';
import { decodeGenericEvents } from '../../transforms/generic/index.ts';

interface DetectOpts {
  input: string;
  rules: string[];
  builtin: boolean;
  output: string;
  allowedLateness: string;
  until?: string;
  cluster?: string;
  config?: string;
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

function untilOf(o: DetectOpts): number | undefined {
  if (o.until === undefined || o.until === 'end') return undefined;
  if (o.until === 'inf') return Number.POSITIVE_INFINITY;
  return parseTime(o.until, '--until');
}

function line(a: Alert): string {
  const { rule, severity, title, auditIds, eventIds, count, firstTs, lastTs, labels } = a;
  return `${JSON.stringify({ rule, severity, title, auditIds, eventIds, count, firstTs, lastTs, labels })}\n`;
}

function run(o: DetectOpts): void {
  if (o.output !== 'ndjson') throw new ArgusError('BAD_REQUEST', `-o ${o.output}: only ndjson is supported`);
  // the server config's detection section (trusted registries), validated as the server does
  const detection = parseConfig(detectionConfigSchema, (o.config ? loadServerConfig({ config: o.config })['detection'] : undefined) ?? {}, `${o.config ?? 'config'}: detection`);
  const files = [...(o.builtin ? builtinRuleFiles() : []), configListsFile(detection), ...o.rules.flatMap(ruleFilesAt)];
  if (files.length === 0) throw new ArgusError('BAD_REQUEST', 'no rules: pass --rules FILE|DIR, or drop --no-builtin');
  const ruleSet = loadRuleFiles(files);
  for (const w of ruleSet.warnings) process.stderr.write(`warning: ${describeWarning(w)}\n`);
  const until = untilOf(o);
  const now = Date.now();
  const input = decodeInput(readInput(o.input), now, o.cluster);
  for (const e of input.errors.slice(0, 5)) process.stderr.write(`${o.input}: ${e}\n`);
  const detector = createDetector({ ruleSet, allowedLateness: o.allowedLateness });
  let alerts = 0;
  const print = (list: Alert[]) => {
    alerts += list.length;
    if (list.length > 0) process.stdout.write(list.map(line).join(''));
  };
  for (let i = 0; i < input.events.length; i += BATCH) {
    const batch: LogEvent[] = input.events.slice(i, i + BATCH).map((e) => finalizeEvent(e, now));
    print(detector.process(batch));
  }
  print(detector.flush(until));
  const s = detector.stats();
  process.stderr.write(
    `argus detect: ${input.events.length} events (${input.format}), ${input.errors.length} undecodable, ${alerts} alerts, ${s.lateDropped} late_dropped, ${s.evictions} evictions\n`,
  );
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function registerDetectCommand(program: Command): void {
  program
    .command('detect')
    .description('Run detection rules over a log file offline and print the alerts as NDJSON')
    .requiredOption('--input <file>', 'audit events (EventList, NDJSON, EKS/GKE/AKS), JSON events or text lines; .gz ok')
    .option('--rules <path>', 'rules file or directory of .yaml files (repeatable)', collect, [])
    .option('--no-builtin', 'do not load the built-in rules')
    .option('-o, --output <format>', 'output format', 'ndjson')
    .option('--allowed-lateness <duration>', 'how far out of order events may come (as the server)', '1m')
    .option('--until <time>', "end of the input for absence rules: 'end' (last event time), 'inf', or a time", 'end')
    .option('--cluster <name>', 'cluster name for audit events')
    .option('--config <file>', "server config file (YAML/JSON): its detection section applies (trustedRegistries)")
    .action((o: DetectOpts) => {
      try {
        run(o);
      } catch (e) {
        const usage = isArgusError(e) && ['BAD_RULE', 'BAD_REQUEST', 'BAD_CONFIG'].includes(e.code);
        const io = (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR';
        if (!usage && !io) throw e;
        process.stderr.write(`argus: ${(e as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
