/**
 * `argus demo`: the server with the embedded store, fed with realistic mixed traffic over the real
 * HTTP endpoints (audit webhook + generic events), including a few attacks for detection to find.
 */
import type { Command } from 'commander';
import { createApp } from '../../app.ts';
import { parseDuration, severityText } from '../../core/index.ts';
import { SCENARIOS, containerEvent, createRng, noiseAuditEvent } from '../../sources/synthetic/index.ts';
import type { AuditEventShape } from '../../sources/synthetic/index.ts';
import { loadServerConfig } from '../load-config.ts';
import { runUntilSignal } from './server.ts';

interface DemoOpts {
  data: string;
  listen: string;
  config?: string;
  rate: string;
  duration?: string;
  seed: string;
}

async function post(url: string, body: string, contentType: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
  if (!res.ok) throw new Error(`POST ${url} -> ${res.status} ${await res.text()}`);
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Start the server and replay realistic Kubernetes audit + container traffic, with a few attacks')
    .option('--data <dir>', 'data directory', './data/demo')
    .option('--listen <host:port>', 'listen address', '127.0.0.1:7400')
    .option('--config <file>', 'config file (YAML or JSON)')
    .option('--rate <n>', 'events per second', '200')
    .option('--duration <d>', 'stop after this long (e.g. 30s); default: until Ctrl-C')
    .option('--seed <n>', 'traffic seed', '42')
    .action(async (opts: DemoOpts) => {
      let alertCount = 0;
      const app = createApp(loadServerConfig(opts), {
        onAlerts: (alerts) => {
          for (const a of alerts) {
            alertCount++;
            // print WARN and above; the rest is queryable (source:alert)
            if (a.severity >= 13) process.stderr.write(`ALERT [${severityText(a.severity)}] ${a.rule}: ${a.title}\n`);
          }
        },
      });
      const url = await app.start();
      const rng = createRng(Number(opts.seed));
      const rate = Math.max(1, Number(opts.rate));
      const scenarioNames = Object.keys(SCENARIOS);
      let sent = 0;
      let ticks = 0;
      let failures = 0;
      process.stderr.write(
        [
          `Argus demo: server on ${url}, data in ${app.config.data}, ~${rate} events/s.`,
          'Try, in another terminal:',
          `  node bin/argus.js query 'source:k8s_audit AND subresource:exec'`,
          `  node bin/argus.js query 'source:k8s_audit | stats count() by user | sort -count | head 5'`,
          `  node bin/argus.js query '"connection refused" | timechart span=1m count() by namespace'`,
          `  node bin/argus.js tail 'code>=400'`,
          `  node bin/argus.js query 'source:alert | stats count() by attrs.rule'`,
          '',
        ].join('\n'),
      );
      const tick = async (): Promise<void> => {
        ticks++;
        const now = Date.now();
        const perTick = Math.max(1, Math.round(rate / 2));
        const audit: AuditEventShape[] = [];
        const logs = [];
        for (let i = 0; i < perTick; i++) {
          const ts = now - 500 + Math.floor((i * 500) / perTick);
          if (rng.chance(0.6)) audit.push(noiseAuditEvent(rng, ts));
          else logs.push(containerEvent(rng, ts, { leak: rng.chance(0.002) }));
        }
        if (ticks % 20 === 3) audit.push(...SCENARIOS[scenarioNames[Math.floor(ticks / 20) % scenarioNames.length]!]!(rng, now));
        await Promise.all([
          post(`${url}/k8s-audit?cluster=demo`, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: audit }), 'application/json'),
          post(`${url}/api/v1/events`, logs.map((l) => JSON.stringify(l)).join('\n'), 'application/x-ndjson'),
        ]);
        sent += audit.length + logs.length;
        if (ticks % 20 === 0) process.stderr.write(`demo: ${sent} events sent, ${alertCount} alerts\n`);
      };
      const timer = setInterval(() => {
        tick().catch((e: unknown) => {
          failures++;
          if (failures <= 3) process.stderr.write(`demo: send failed: ${(e as Error).message}\n`);
        });
      }, 500);
      const stop = async (): Promise<void> => {
        clearInterval(timer);
        await app.stop();
        process.stderr.write(`demo: stopped after ${sent} events and ${alertCount} alerts\n`);
      };
      if (opts.duration) {
        await new Promise((r) => setTimeout(r, parseDuration(opts.duration!, '--duration')));
        await stop();
        return;
      }
      await runUntilSignal(stop);
    });
}
