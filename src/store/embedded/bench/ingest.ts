/**
 * Durable ingest throughput of the embedded store: P concurrent producers append batches of
 * ~1 KB audit events (canonicalize + dedup + WAL group commit + tail load + background flushes).
 * Run: [DUCKDB_THREADS=n] node bin/run-ts.js src/store/embedded/bench/ingest.ts [events=300000] [batch=1000] [producers=4]
 * cpuUsPerEvent is process CPU (all threads, pool generation included) over the ingest window.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { embeddedStoreConfigSchema as storeConfigSchema } from '../config.ts';
import { createEmbeddedStore } from '../store.ts';
import { auditEvent } from '../test-events.ts';
import { runProducers } from './producers.ts';

const total = Number(process.argv[2] ?? 300_000);
const batch = Number(process.argv[3] ?? 1000);
const producers = Number(process.argv[4] ?? 4);
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'argus-ingest-'));
const threads = process.env.DUCKDB_THREADS ? Number(process.env.DUCKDB_THREADS) : undefined;
const store = createEmbeddedStore({ dataDir: dir, config: storeConfigSchema.parse({}), logger: pino({ level: 'warn' }), duckdbThreads: threads });
await store.start();
// a pool of distinct events, re-issued with fresh ids (as a decoder would create new objects)
const pool = Array.from({ length: 20_000 }, (_, i) => auditEvent(i));
const bytes = (pool.reduce((n, e) => n + JSON.stringify(e).length, 0) / pool.length) * total;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const overloaded = await runProducers(store, pool, total, batch, producers);
await store.settled(); // every acknowledged event queryable: part of the measured time
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const wal = store.walStats();
const t1 = performance.now();
await store.flush();
const flushMs = performance.now() - t1;
const st = await store.stats();
console.log(
  JSON.stringify({
    events: total, avgEventBytes: Math.round(bytes / total), batch, producers,
    eventsPerSec: Math.round((total / ms) * 1000), cpuUsPerEvent: +((cpu.user + cpu.system) / total).toFixed(1), mbPerSec: +((bytes / ms) * 1000 / 1e6).toFixed(1),
    overloadedRetries: overloaded, fsyncs: wal.fsyncs, framesPerFsync: +(wal.frames / wal.fsyncs).toFixed(1),
    finalFlushMs: Math.round(flushMs), segments: st.segments, segmentBytes: st.segmentBytes, segmentRows: st.segmentRows,
  }),
);
await store.stop();
rmSync(dir, { recursive: true, force: true });
