/**
 * Child of bench/restart/run.ts: opens the store of `--data DIR` (no detection, no HTTP, as
 * `argus ingest --data` does) and stores `--events N` realistic events (audit noise and attack
 * scenarios from src/sources/synthetic, container lines) received just now, in batches of 400 (the
 * apiserver's webhook batch), then prints FILLED and waits to be killed with SIGKILL, so the data
 * dir is left as a crash leaves it: segments plus an unflushed WAL, no detection snapshot.
 */
import { pino } from 'pino';
import { CLI_INGEST_RECEIVER, createApp } from '../../src/app.ts';
import { GENERIC_RECEIVER } from '../../src/api/index.ts';
import type { LogEventInput } from '../../src/core/index.ts';
import { auditEventToLogEvent } from '../../src/sources/k8s-audit/index.ts';
import { SCENARIOS, containerEvent, createRng, noiseAuditEvent } from '../../src/sources/synthetic/index.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const data = arg('data', '');
const total = Number(arg('events', '1000000'));
const batchSize = 400;
if (!data) throw new Error('--data DIR is required');

const app = createApp({ data, logLevel: 'warn' }, { logger: pino({ level: 'warn' }), defaultMetrics: false });
await app.store.start();
const rng = createRng(7);
const names = Object.keys(SCENARIOS);
// event times spread over the 50 minutes before now (received now: the last hour)
const span = 50 * 60_000;
const t0 = Date.now() - span;
let i = 0;
let lastReport = 0;
while (i < total) {
  const batch: LogEventInput[] = [];
  while (batch.length < batchSize && i < total) {
    const ts = Math.floor(t0 + (i * span) / total);
    if (i % 5000 === 4999) {
      for (const ev of SCENARIOS[rng.pick(names)]!(rng, ts)) {
        if (batch.length >= batchSize || i >= total) break;
        batch.push(auditEventToLogEvent(ev, { cluster: 'bench' }));
        i++;
      }
    } else if (rng.chance(0.6)) {
      batch.push(auditEventToLogEvent(noiseAuditEvent(rng, ts), { cluster: 'bench' }));
      i++;
    } else {
      batch.push(containerEvent(rng, ts));
      i++;
    }
  }
  // audit events through the audit receivers' namespace (as `argus ingest --data`), container lines as generic events
  await app.ingest(batch.filter((e) => e.source === 'k8s_audit'), { receiver: CLI_INGEST_RECEIVER.name });
  await app.ingest(batch.filter((e) => e.source !== 'k8s_audit'), { receiver: GENERIC_RECEIVER.name, credential: 'anonymous' });
  if (i - lastReport >= 100_000) {
    lastReport = i;
    process.stderr.write(`filled ${i}\n`);
  }
}
await app.store.settled();
const s = await app.store.stats();
process.stdout.write(`FILLED ${JSON.stringify({ events: i, tailRows: s.tailRows, walBytes: s.walBytes, segments: s.segments })}\n`);
setInterval(() => undefined, 60_000);
