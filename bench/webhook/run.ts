/**
 * Webhook flood: `npm run bench:webhook [-- --events 400000 --concurrency 4]`.
 * POSTs audit EventLists of 400 events (the apiserver's default --audit-webhook-batch-max-size)
 * to a real Argus server over loopback and counts durable acks per second; the baseline, run in the
 * same script, is JSON.parse alone over the same payloads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import { createRng, noiseAuditEvent } from '../../src/sources/synthetic/index.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const total = Number(arg('events', '400000'));
const batchSize = Number(arg('batch', '400'));
const concurrency = Number(arg('concurrency', '4'));

const rng = createRng(11);
const start = Date.UTC(2026, 10, 25);
const payloads: string[] = [];
for (let i = 0; i < total; i += batchSize) {
  const items = [];
  for (let j = 0; j < batchSize && i + j < total; j++) items.push(noiseAuditEvent(rng, start + i + j));
  payloads.push(JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items }));
}
const bytes = payloads.reduce((n, p) => n + p.length, 0);

// baseline: JSON.parse only
const p0 = performance.now();
let parsed = 0;
for (const p of payloads) parsed += (JSON.parse(p) as { items: unknown[] }).items.length;
const parseSeconds = (performance.now() - p0) / 1000;

const dir = mkdtempSync(join(tmpdir(), 'argus-bench-webhook-'));
const app = createApp({ data: join(dir, 'data'), listen: '127.0.0.1:0', logLevel: 'warn' }, { logger: pino({ level: 'warn' }) });
const url = await app.start();
let next = 0;
let acked = 0;
let failed = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < payloads.length) {
      const body = payloads[next++]!;
      const r = await fetch(`${url}/k8s-audit?cluster=bench`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      const j = (await r.json()) as { accepted?: number };
      if (r.status === 200) acked += j.accepted ?? 0;
      else failed++;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
await app.stop();
rmSync(dir, { recursive: true, force: true });

const result = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  events: total,
  batchSize,
  concurrency,
  payloadMB: bytes / 1e6,
  durableAckedEventsPerSec: acked / seconds,
  failedRequests: failed,
  jsonParseOnlyEventsPerSec: parsed / parseSeconds,
  ratioToJsonParse: acked / seconds / (parsed / parseSeconds),
};
console.log(JSON.stringify(result, null, 2));
