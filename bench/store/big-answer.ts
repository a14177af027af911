/**
 * Memory and size of one big answer: a server over N events with ~400-byte messages answers
 * `GET /api/v1/query?q=*&limit=100000`; reports the response bytes, the server's RSS before and
 * its peak during the request (VmHWM is reset first, Linux only). ARGUS_BIN picks the server
 * (default this tree's bin/argus.js), so the same run measures an older checkout.
 *
 *   node bin/run-ts.js bench/store/big-answer.ts [events=120000] [messageBytes=400]
 *   ARGUS_BIN=/path/to/old/bin/argus.js node bin/run-ts.js bench/store/big-answer.ts
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { embeddedStoreConfigSchema as storeConfigSchema } from '../../src/store/embedded/index.ts';
import { createEmbeddedStore } from '../../src/store/index.ts';
import { fillStore } from '../../test/helpers/heavy-query.ts';
import { freePort } from '../../test/helpers/server-process.ts';

const events = Number(process.argv[2] ?? 120_000);
const messageBytes = Number(process.argv[3] ?? 400);
const bin = process.env.ARGUS_BIN ?? resolve(import.meta.dirname, '../../bin/argus.js');
const dir = mkdtempSync(join(tmpdir(), 'argus-big-answer-'));
const data = join(dir, 'data');

const kb = (pid: number, field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

const store = createEmbeddedStore({ dataDir: data, config: storeConfigSchema.parse({}), logger: pino({ level: 'silent' }), maintenanceIntervalMs: 0 });
await store.start();
await fillStore(store, events, messageBytes);
await store.stop();

const port = await freePort();
const proc = spawn(process.execPath, [bin, 'server', '--data', data, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ARGUS_LOG_LEVEL: 'warn' } });
proc.stderr.resume();
const url = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await fetch(`${url}/api/v1/query?q=*&limit=10`); // warm (DuckDB, Parquet footers)
  await new Promise((r) => setTimeout(r, 1000));
  const pid = proc.pid!;
  const rssBefore = kb(pid, 'VmRSS');
  writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/query?q=*&limit=100000`);
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t0;
  const peak = kb(pid, 'VmHWM');
  const parsed = JSON.parse(body.toString()) as { events: unknown[]; truncated?: boolean };
  console.log(
    JSON.stringify({
      events, messageBytes, status: res.status, responseBytes: body.length, returned: parsed.events.length, truncated: parsed.truncated ?? false,
      rssBeforeMiB: Math.round(rssBefore / 1024), rssPeakMiB: Math.round(peak / 1024), rssGrowthMiB: Math.round((peak - rssBefore) / 1024), ms: Math.round(ms),
    }),
  );
} finally {
  proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
