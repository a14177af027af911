/**
 * `argus demo`: the server with the embedded store, fed with realistic mixed traffic over the real
 * HTTP endpoints (audit webhook + generic events), including a few attacks for detection to find.
 * stdout carries the alert stream (one line per alert: time, priority, rule, title); program
 * logs and progress go to stderr. The traffic is seeded from the start time, so a second run on
 * the same data dir sends new auditIDs and its alerts are new ones (`--seed N` replays a run).
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createApp } from '../../app.ts';
import { parseDuration } from '../../core/index.ts';
import type { Alert } from '../../detect/index.ts';
import { alertPriority } from '../../detect/index.ts';
import { SCENARIOS, containerEvent, createRng, noiseAuditEvent } from '../../sources/synthetic/index.ts';
import type { AuditEventShape, Rng } from '../../sources/synthetic/index.ts';
import { CliError } from '../cli-error.ts';
import { loadServerConfig } from '../load-config.ts';
import { formatTime } from '../output.ts';
import type { TimeStyle } from '../output.ts';
import { runUntilSignal, startApp } from './server.ts';

interface DemoOpts {
  data: string;
  listen: string;
  config?: string;
  rate: string;
  duration?: string;
  seed?: string;
  local?: boolean;
  writeAudit?: string;
}

const TICK_MS = 500;
/** an attack scenario every this many ticks (5 s), the first one in the second tick */
const SCENARIO_EVERY = 10;
/** the first ones alert at once (rules with a `dedupe` window, such as exec, alert when it closes) */
const FIRST = ['clusterWideSecretList', 'privilegedPod', 'clusterAdminBinding'];
const SCENARIO_NAMES = [...FIRST, ...Object.keys(SCENARIOS).filter((n) => !FIRST.includes(n))];

export interface DemoTraffic {
  audit: AuditEventShape[];
  logs: ReturnType<typeof containerEvent>[];
}

/** The traffic of tick number `tick` (0-based) ending at `now`: noise, and every few ticks an attack. */
export function demoTick(rng: Rng, tick: number, now: number, perTick: number): DemoTraffic {
  const audit: AuditEventShape[] = [];
  const logs: ReturnType<typeof containerEvent>[] = [];
  for (let i = 0; i < perTick; i++) {
    const ts = now - TICK_MS + Math.floor((i * TICK_MS) / perTick);
    if (rng.chance(0.6)) audit.push(noiseAuditEvent(rng, ts));
    else logs.push(containerEvent(rng, ts, { leak: rng.chance(0.002) }));
  }
  if (tick % SCENARIO_EVERY === 1) {
    const name = SCENARIO_NAMES[Math.floor(tick / SCENARIO_EVERY) % SCENARIO_NAMES.length]!;
    audit.push(...SCENARIOS[name]!(rng, now));
  }
  return { audit, logs };
}

/** One line of the alert stream. */
export function alertLine(a: Alert, style: TimeStyle): string {
  return `${formatTime(a.lastTs, style)}  ${alertPriority(a).padEnd(8)}  ${a.rule}: ${a.title}\n`;
}

async function post(url: string, body: string, contentType: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}

function seedOf(opts: DemoOpts, startedAt: number): number {
  if (opts.seed === undefined) return startedAt % 0x100000000;
  const n = Number(opts.seed);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--seed: "${opts.seed}" is not a whole number`, 2);
  return n;
}

/**
 * `--write-audit FILE`: the demo's audit traffic of `durationMs` (ending now) as a log-backend
 * file (one Event per line), for `argus detect --input` and `argus ingest --k8s-audit`.
 */
function writeAuditFile(file: string, seed: number, durationMs: number, perTick: number): number {
  const rng = createRng(seed);
  const ticks = Math.max(1, Math.ceil(durationMs / TICK_MS));
  const start = Date.now() - ticks * TICK_MS;
  const lines: string[] = [];
  for (let t = 0; t < ticks; t++) for (const e of demoTick(rng, t, start + (t + 1) * TICK_MS, perTick).audit) lines.push(JSON.stringify(e));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return lines.length;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Start the server and replay realistic Kubernetes audit + container traffic, with a few attacks; alerts on stdout')
    .option('--data <dir>', 'data directory', './data/demo')
    .option('--listen <host:port>', 'listen address', '127.0.0.1:7400')
    .option('--config <file>', 'config file (YAML or JSON)')
    .option('--rate <n>', 'events per second', '200')
    .option('--duration <d>', 'stop after this long (e.g. 30s); default: until Ctrl-C')
    .option('--seed <n>', 'traffic seed, to replay a run (default: from the start time, so every run is new traffic)')
    .option('--local', 'show times in the local time zone (default: UTC)')
    .option('--write-audit <file>', 'instead: write --duration (default 2m) of the demo\'s audit traffic to FILE, one Event per line, and exit')
    .action(async (opts: DemoOpts) => {
      const startedAt = Date.now();
      const seed = seedOf(opts, startedAt);
      const rate = Number(opts.rate);
      if (!Number.isFinite(rate) || rate < 1) throw new CliError(`--rate: "${opts.rate}" is not a number of events per second (1 or more)`, 2);
      const duration = opts.duration === undefined ? undefined : parseDuration(opts.duration, '--duration');
      const style = { local: opts.local === true };
      const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
      if (opts.writeAudit !== undefined) {
        const n = writeAuditFile(opts.writeAudit, seed, duration ?? 120_000, perTick);
        process.stderr.write(`demo: wrote ${n} audit events to ${opts.writeAudit} (seed ${seed})\n`);
        return;
      }
      let alertCount = 0;
      const app = createApp(loadServerConfig(opts), {
        onAlerts: (alerts) => {
          alertCount += alerts.length;
          process.stdout.write(alerts.map((a) => alertLine(a, style)).join(''));
        },
      });
      const url = await startApp(app);
      const rng = createRng(seed);
      let sent = 0;
      let ticks = 0;
      let failures = 0;
      process.stderr.write(
        [
          `Argus demo: server on ${url}, data in ${app.config.data}, ~${rate} events/s, seed ${seed}. Alerts print below (stdout).`,
          'Try, in another terminal:',
          `  node bin/argus.js query 'source:k8s_audit AND subresource:exec' --server ${url}`,
          `  node bin/argus.js query 'source:k8s_audit | stats count() by user | sort -count | head 5' --server ${url}`,
          `  node bin/argus.js query '"connection refused" | timechart span=1m count() by namespace' --server ${url}`,
          `  node bin/argus.js tail 'code>=400' --server ${url}`,
          `  node bin/argus.js query 'source:alert | stats count() by attrs.rule, severity' --server ${url}`,
          '',
        ].join('\n'),
      );
      const tick = async (): Promise<void> => {
        const t = demoTick(rng, ticks++, Date.now(), perTick);
        await Promise.all([
          post(`${url}/k8s-audit?cluster=demo`, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: t.audit }), 'application/json'),
          post(`${url}/api/v1/events`, t.logs.map((l) => JSON.stringify(l)).join('\n'), 'application/x-ndjson'),
        ]);
        sent += t.audit.length + t.logs.length;
        if (ticks % 20 === 0) process.stderr.write(`demo: ${sent} events sent, ${alertCount} alerts\n`);
      };
      let inFlight: Promise<void> = Promise.resolve();
      const timer = setInterval(() => {
        inFlight = tick().catch((e: unknown) => {
          failures++;
          if (failures <= 3) process.stderr.write(`demo: send failed: ${(e as Error).message}\n`);
        });
      }, TICK_MS);
      const stop = async (): Promise<void> => {
        clearInterval(timer);
        await inFlight;
        await app.stop();
        process.stderr.write(`demo: stopped after ${sent} events and ${alertCount} alerts (seed ${seed})\n`);
      };
      if (duration !== undefined) {
        await new Promise((r) => setTimeout(r, duration));
        await stop();
        return;
      }
      await runUntilSignal(stop);
    });
}
