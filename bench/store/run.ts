/**
 * Store benchmark: `npm run bench:store [-- --sizes 1000000,10000000]`.
 * For each size: generate NDJSON, compress it with gzip -6, ingest it durably into the embedded
 * store (parse + normalize + WAL fsync + tail + segments), run a fixed query set, and compare with
 * baselines run in the same script: a plain DuckDB appender, and grep/ripgrep on the NDJSON.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { pino } from 'pino';
import type { LogEvent, LogEventInput } from '../../src/core/index.ts';
import { finalizeEvent } from '../../src/core/index.ts';
import { embeddedStoreConfigSchema as storeConfigSchema, createEmbeddedStore } from '../../src/store/embedded/index.ts';
import { decodeAuditPayload } from '../../src/sources/k8s-audit/index.ts';
import { decodeGenericEvents } from '../../src/transforms/generic/index.ts';
import { parseQuery } from '../../src/query/index.ts';
import { generateNdjson } from './generate.ts';
import { QUERIES } from './queries.ts';
import { readLineChunks } from './lines.ts';
import { appendRetrying, runProducers } from '../../src/store/embedded/bench/producers.ts';
import { duckdbAppenderBaseline, hasCommand, percentile, timeShell } from './baselines.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const sizes = arg('sizes', '1000000,10000000').split(',').map(Number);
const outDir = resolve(arg('out', 'bench/out'));
const runs = Number(arg('runs', '9'));
mkdirSync(outDir, { recursive: true });


function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

async function* readBatches(path: string, size: number): AsyncGenerator<LogEventInput[]> {
  let audit: string[] = [];
  let other: string[] = [];
  const drain = (): LogEventInput[] => {
    const now = Date.now();
    const a = audit.length ? decodeAuditPayload(audit.join('\n'), { cluster: 'bench', receivedAt: now, format: 'ndjson' }).events : [];
    const g = other.length ? decodeGenericEvents(other.join('\n'), now).events : [];
    audit = [];
    other = [];
    return [...a, ...g];
  };
  for await (const lines of readLineChunks(path)) {
    for (const line of lines) {
      if (line === '') continue;
      if (line.startsWith('{"kind":"Event"')) audit.push(line);
      else other.push(line);
      if (audit.length + other.length >= size) yield drain();
    }
  }
  if (audit.length + other.length) yield drain();
}

/**
 * The store alone: `producers` concurrent appenders of already-decoded events (a pool of the
 * file's first events, re-issued with fresh ids and idempotency keys, as a decoder makes new
 * objects), in batches of 1 000. Timed until every event is durable and queryable.
 */
async function storeOnlyIngest(file: string, total: number, producers: number): Promise<Record<string, number>> {
  const pool: LogEvent[] = [];
  for await (const inputs of readBatches(file, 5000)) {
    const now = Date.now();
    for (const e of inputs) pool.push(finalizeEvent(e, now));
    if (pool.length >= 50_000) break;
  }
  const dataDir = join(outDir, 'store-only');
  rmSync(dataDir, { recursive: true, force: true });
  const store = createEmbeddedStore({ dataDir, config: storeConfigSchema.parse({ flushEvents: 200_000, flushInterval: '30s' }), logger: pino({ level: 'warn' }) });
  await store.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const overloaded = await runProducers(store, pool, total, 1000, producers);
  await store.settled();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await store.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return { events: total, producers, seconds, eventsPerSec: total / seconds, cpuUsPerEvent: (cpu.user + cpu.system) / total, overloadedRetries: overloaded };
}

async function benchSize(n: number): Promise<Record<string, unknown>> {
  const file = join(outDir, `events-${n}.ndjson`);
  const startTs = Date.UTC(2026, 10, 1);
  let gen = { bytes: existsSync(file) ? statSync(file).size : 0, audit: 0, container: 0 };
  if (!existsSync(file)) {
    console.error(`Generating ${n} events into ${file}...`);
    gen = await generateNdjson({ path: file, events: n, startTs, spanMs: 7 * 86_400_000 });
  }
  const rawBytes = statSync(file).size;
  console.error(`Store-only ingest of ${n} pre-decoded events...`);
  const storeOnly = await storeOnlyIngest(file, n, 16);
  console.error(`  ${Math.round(storeOnly.eventsPerSec!)} events/s`);
  console.error(`gzip -6 of ${(rawBytes / 1e9).toFixed(2)} GB...`);
  const gz = timeShell(`gzip -6 -c ${file} | wc -c`, 1);
  const gzipBytes = Number(gz.out);

  const dataDir = join(outDir, `store-${n}`);
  rmSync(dataDir, { recursive: true, force: true });
  const config = storeConfigSchema.parse({ flushEvents: 200_000, flushInterval: '30s' });
  const store = createEmbeddedStore({ dataDir, config, logger: pino({ level: 'warn' }) });
  await store.start();
  console.error(`Ingesting ${n} events durably...`);
  const t0 = performance.now();
  let ingested = 0;
  let overloaded = 0;
  const inflight = new Set<Promise<void>>();
  for await (const inputs of readBatches(file, 5000)) {
    const now = Date.now();
    const events = inputs.map((e) => finalizeEvent(e, now));
    const p = appendRetrying(store, events, () => overloaded++).then((accepted) => {
      ingested += accepted;
      inflight.delete(p);
    });
    inflight.add(p);
    if (inflight.size >= 4) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  await store.settled(); // every acknowledged event queryable: inside the timed window
  const ingestSeconds = (performance.now() - t0) / 1000;
  await store.flush();
  const flushedSeconds = (performance.now() - t0) / 1000;
  const storeBytes = dirBytes(dataDir);
  console.error(`Ingested ${ingested} in ${ingestSeconds.toFixed(1)} s; compacting...`);
  await store.compact();
  const storeBytesCompacted = dirBytes(dataDir);

  // baseline over the first 1M events, decoded again after the ingest (holding them during the
  // ingest would burden its garbage collector)
  const baselineSample: LogEvent[][] = [];
  let sampled = 0;
  for await (const inputs of readBatches(file, 5000)) {
    const now = Date.now();
    baselineSample.push(inputs.map((e) => finalizeEvent(e, now)));
    sampled += inputs.length;
    if (sampled >= 1_000_000) break;
  }
  const baseline = await duckdbAppenderBaseline(baselineSample);
  baselineSample.length = 0;

  const queries: Record<string, unknown>[] = [];
  for (const q of QUERIES) {
    const plan = parseQuery(q.q);
    const times: number[] = [];
    let rows = 0;
    await store.query({ plan, limit: 100 }); // warm-up
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      const r = await store.query({ plan, limit: 100 });
      times.push(performance.now() - s);
      rows = r.kind === 'events' ? r.events.length : r.rows.length;
    }
    times.sort((a, b) => a - b);
    const row: Record<string, unknown> = { name: q.name, q: q.q, p50: percentile(times, 50), p95: percentile(times, 95), rows };
    if (q.grep) {
      row.grep = timeShell(`${q.grep} ${file}`, 3).ms;
      if (hasCommand('rg')) row.rg = timeShell(`${q.grep.replace(/^grep/, 'rg')} ${file}`, 3).ms;
    }
    queries.push(row);
    console.error(`  ${q.name}: p50 ${(row.p50 as number).toFixed(0)} ms, p95 ${(row.p95 as number).toFixed(0)} ms`);
  }
  await store.stop();
  return {
    events: n,
    generated: gen,
    rawBytes,
    gzipBytes,
    gzipSeconds: gz.ms / 1000,
    ingestSeconds,
    ingestEventsPerSec: ingested / ingestSeconds,
    ingestOverloadedRetries: overloaded,
    storeOnlyIngest: storeOnly,
    flushedSeconds,
    storeBytes,
    storeBytesCompacted,
    bytesPerEvent: storeBytesCompacted / n,
    ratioVsRaw: rawBytes / storeBytesCompacted,
    ratioVsGzip: gzipBytes / storeBytesCompacted,
    baselineAppender: { events: baseline.events, eventsPerSec: baseline.events / baseline.seconds },
    queries,
  };
}

const results: Record<string, unknown>[] = [];
for (const n of sizes) results.push(await benchSize(n));
const report = { machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, at: new Date().toISOString(), results };
writeFileSync(join(outDir, 'store-results.json'), JSON.stringify(report, null, 2));
console.log(JSON.stringify(report, null, 2));
