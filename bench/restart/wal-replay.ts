/**
 * The store's WAL replay alone: `node bin/run-ts.js bench/restart/wal-replay.ts [-- --events 100000]`.
 * Appends N realistic events (60 % audit noise, 40 % container lines) to a fresh store that never
 * flushes (so all of them stay in the WAL, as after a crash just before a flush), stops it, then
 * times `store.start()` (+ settled) twice: that is the part of a restart spent before the port opens.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { finalizeEvent, parseConfig, storeConfigSchema } from '../../src/core/index.ts';
import { createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { auditEventToLogEvent } from '../../src/sources/k8s-audit/index.ts';
import { containerEvent, createRng, noiseAuditEvent } from '../../src/sources/synthetic/index.ts';

const args = process.argv.slice(2);
const i = args.indexOf('--events');
const n = i >= 0 ? Number(args[i + 1]) : 100_000;
const dir = mkdtempSync(join(tmpdir(), 'argus-bench-wal-'));
const cfg = parseConfig(storeConfigSchema, { flushInterval: '1h', flushEvents: 10_000_000 }, 'store');
const open = () => createEmbeddedStore({ dataDir: dir, config: cfg, logger: pino({ level: 'warn' }), maintenanceIntervalMs: 0 });
try {
  let store = open();
  await store.start();
  const rng = createRng(3);
  for (let k = 0; k < n; k += 400) {
    const now = Date.now();
    const batch = Array.from({ length: Math.min(400, n - k) }, () =>
      finalizeEvent(rng.chance(0.6) ? auditEventToLogEvent(noiseAuditEvent(rng, now), { cluster: 'bench' }) : containerEvent(rng, now), now),
    );
    await store.append(batch);
  }
  await store.settled();
  await store.stop();
  const runs = [];
  for (let k = 0; k < 2; k++) {
    store = open();
    const t0 = performance.now();
    await store.start();
    const startMs = performance.now() - t0;
    await store.settled();
    const s = await store.stats();
    runs.push({ walEvents: s.tailRows, walMB: s.walBytes / 1e6, startSeconds: startMs / 1000, settledSeconds: (performance.now() - t0) / 1000 });
    await store.stop();
  }
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  console.log(JSON.stringify({ events: n, runs, secondsPer100k: (Math.min(...runs.map((r) => r.settledSeconds)) * 100_000) / n, load }, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
