/**
 * `argus detect --input PATH... [--rules PATH]... [--config FILE] [--no-builtin] [-o table|ndjson]`:
 * runs the detection rules over files offline, as the server does: the same rule loading (the
 * server's rule files: pack + `detection.rules` of `--config`, then `--rules`), the store's
 * idempotency (an event whose dedupKey was already read is skipped: an EventList delivered twice
 * gives the alerts of one), stateful windows in event time with the same allowed lateness per
 * source. Several files or a directory are merged in event time (each file keeps its order). Then
 * the input ends: pending windows close and absence deadlines up to the last event time fire
 * (`--until` moves that end). Prints a table on a terminal, else one NDJSON alert per line.
 * Input: Kubernetes audit events in any shape the webhook takes (EventList, NDJSON log files,
 * EKS/GKE/AKS envelopes), generic JSON events, or plain text lines; `.gz` ok.
 * Exit codes: 0 it ran (alerts or not), 2 bad usage, bad config or bad rules (file:line:column).
 */
import type { Command } from 'commander';
import type { LogEvent } from '../../core/index.ts';
import { ArgusError, detectionConfigSchema, finalizeEvent, isArgusError, parseConfig, parseDuration, parseTime } from '../../core/index.ts';
import type { Alert } from '../../detect/index.ts';
import { alertPriority, createDetector, describeWarning, loadRuleFiles, sourceOf } from '../../detect/index.ts';
import { detectionRuleFiles } from '../../detect/service/index.ts';
import { loadServerConfig } from '../load-config.ts';
import { formatTime, renderTable } from '../output.ts';
import type { TimeStyle } from '../output.ts';
import { readInputs } from './detect-input.ts';

export { decodeInput } from './detect-input.ts';

interface DetectOpts {
  input: string[];
  rules: string[];
  builtin: boolean;
  output?: string;
  allowedLateness?: string;
  config?: string;
  until?: string;
  cluster?: string;
  local?: boolean;
}

const BATCH = 1000;

function untilOf(o: DetectOpts): number | undefined {
  if (o.until === undefined || o.until === 'end') return undefined;
  if (o.until === 'inf') return Number.POSITIVE_INFINITY;
  return parseTime(o.until, '--until');
}

function line(a: Alert): string {
  const { rule, severity, title, auditIds, eventIds, count, firstTs, lastTs, labels } = a;
  const o: Record<string, unknown> = { rule, severity, priority: alertPriority(a), title, auditIds, eventIds, count, firstTs, lastTs, labels };
  if (a.lastSeen) o['lastSeen'] = a.lastSeen;
  return `${JSON.stringify(o)}\n`;
}

/** The table: RFC 3339 times (UTC, or local with --local) and the rule's priority, the one severity vocabulary. */
function table(alerts: Alert[], style: TimeStyle): string {
  const rows = alerts.map((a) => [formatTime(a.lastTs, style), alertPriority(a), String(a.count), a.rule, a.title]);
  return `${renderTable(['time', 'severity', 'count', 'rule', 'title'], rows, 100)}\n`;
}

/** The server config's `detection:` section (defaults when no --config). */
function detectionSection(o: DetectOpts) {
  const raw = o.config ? loadServerConfig({ config: o.config }) : {};
  return parseConfig(detectionConfigSchema, raw['detection'] ?? {}, `${o.config ?? 'config'}: detection`);
}

/** A lateness that would have kept every event of the input: the largest lag seen, rounded up to a minute. */
function neededLateness(events: readonly LogEvent[]): string {
  const newest = new Map<string, number>();
  let lag = 0;
  for (const e of events) {
    const k = sourceOf(e);
    const m = newest.get(k) ?? Number.NEGATIVE_INFINITY;
    if (e.ts > m) newest.set(k, e.ts);
    else lag = Math.max(lag, m - e.ts);
  }
  const min = Math.ceil((lag + 1) / 60_000);
  return min % 60 === 0 ? `${min / 60}h` : `${min}m`;
}

function run(o: DetectOpts): void {
  const format = o.output ?? (process.stdout.isTTY ? 'table' : 'ndjson');
  if (format !== 'ndjson' && format !== 'table') throw new ArgusError('BAD_REQUEST', `-o ${format}: one of table, ndjson`);
  const det = detectionSection(o);
  const files = detectionRuleFiles({ ...det, builtin: det.builtin && o.builtin, rules: [...det.rules, ...o.rules] });
  if (files.length === 0) throw new ArgusError('BAD_REQUEST', 'no rules: pass --rules FILE|DIR, or drop --no-builtin');
  const ruleSet = loadRuleFiles(files);
  for (const w of ruleSet.warnings) process.stderr.write(`warning: ${describeWarning(w)}\n`);
  const until = untilOf(o);
  const lateness = o.allowedLateness ?? det.allowedLateness;
  parseDuration(lateness, '--allowed-lateness');
  const now = Date.now();
  const input = readInputs(o.input, now, o.cluster);
  for (const e of input.errors.slice(0, 5)) process.stderr.write(`${e}\n`);
  const detector = createDetector({ ruleSet, allowedLateness: lateness, maxKeysPerRule: det.maxKeysPerRule });
  const all: Alert[] = [];
  const print = (list: Alert[]) => {
    if (format === 'table') all.push(...list);
    else if (list.length > 0) process.stdout.write(list.map(line).join(''));
  };
  const events: LogEvent[] = input.events.map((e) => finalizeEvent(e, now));
  for (let i = 0; i < events.length; i += BATCH) print(detector.process(events.slice(i, i + BATCH)));
  print(detector.flush(until));
  if (format === 'table') process.stdout.write(all.length > 0 ? table(all, { local: o.local === true }) : 'no alerts\n');
  const s = detector.stats();
  const fmts = [...new Set(input.formats)].join(', ');
  process.stderr.write(
    `argus detect: ${events.length} events (${fmts}), ${input.duplicates} duplicates skipped, ${input.undecodable} undecodable, ${s.alerts} alerts, ` +
      `${s.lateDropped} late_dropped, ${s.evictions} evictions\n`,
  );
  if (s.lateDropped > 0) {
    process.stderr.write(
      `argus detect: ${s.lateDropped} events came more than ${lateness} after newer events of their source and were not applied to ` +
        `threshold/sequence/absence rules; rerun with --allowed-lateness ${neededLateness(events)} to apply them\n`,
    );
  }
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function registerDetectCommand(program: Command): void {
  program
    .command('detect')
    .description('Run detection rules over log files offline, as the server does, and print the alerts')
    .requiredOption('--input <path>', 'audit events (EventList, NDJSON, EKS/GKE/AKS), JSON events or text lines; .gz ok; a directory; repeatable', collect, [])
    .option('--rules <path>', 'rules file or directory of .yaml files (repeatable)', collect, [])
    .option('--config <file>', "the server config file: its 'detection:' section (rules, lists, lateness...) applies")
    .option('--no-builtin', 'do not load the built-in rules')
    .option('-o, --output <format>', 'table | ndjson (default: table on a terminal, else ndjson)')
    .option('--allowed-lateness <duration>', 'how far out of order events may come, per source (default: the config, 1m)')
    .option('--until <time>', "end of the input for absence rules: 'end' (last event time), 'inf', or a time", 'end')
    .option('--cluster <name>', 'cluster name for audit events')
    .option('--local', 'table times in the local time zone (default UTC)')
    .action((o: DetectOpts) => {
      try {
        if (o.input.length === 0) throw new ArgusError('BAD_REQUEST', '--input is required');
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
