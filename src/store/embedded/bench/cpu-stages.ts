/**
 * CPU cost per event of each stage of the durable ingest path, measured one stage at a time
 * (process CPU time, so DuckDB's worker threads are counted too).
 * Run: node bin/run-ts.js src/store/embedded/bench/cpu-stages.ts [events=100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../../../core/index.ts';
import { COLUMN_LIST } from '../columns.ts';
import { crc32c } from '../crc32c.ts';
import { DedupIndex } from '../dedup.ts';
import { canonicalEvent, encodeNdjson } from '../event-codec.ts';
import { writeSegment } from '../segment-writer.ts';
import { Tail } from '../tail.ts';
import { auditEvent } from '../test-events.ts';

const total = Number(process.argv[2] ?? 100_000);
const batch = 1000;
const dir = mkdtempSync(join(tmpdir(), 'argus-cpu-'));
const pool = Array.from({ length: 20_000 }, (_, i) => auditEvent(i));
const batches = Array.from({ length: total / batch }, (_, b) =>
  Array.from({ length: batch }, (_, i) => ({ ...pool[(b * batch + i) % pool.length]!, id: newId(), dedupKey: `k-${b}-${i}` })),
);

async function stage(name: string, fn: () => Promise<void> | void): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / total;
  console.log(`${name.padEnd(34)} ${us.toFixed(1).padStart(6)} µs CPU/event  (wall ${Math.round(performance.now() - t0)} ms)`);
}

const dedup = new DedupIndex(86_400_000);
const payloads: Buffer[] = [];
await stage('canonicalize + dedup claim/commit', () => {
  for (const b of batches) {
    const c = dedup.claim(b.map((e, i) => canonicalEvent(e, i)), Date.now());
    dedup.commit(c.keys, Date.now());
  }
});
await stage('NDJSON encode (stringify + utf8)', () => {
  for (const b of batches) payloads.push(Buffer.from(encodeNdjson(b)));
});
await stage('CRC32C', () => {
  for (const p of payloads) crc32c(p);
});
const tail = await Tail.create(dir);
await stage('tail load (read_json, 1000/batch)', async () => {
  for (const p of payloads.slice(0, payloads.length / 2)) await tail.load(p, 1, batch);
});
await stage('tail load (read_json, 10 batches coalesced)', async () => {
  await Promise.all(payloads.slice(payloads.length / 2).map((p) => tail.load(p, 2, batch)));
});
const con = await tail.connect();
await stage('flush: COPY sorted zstd Parquet', async () => {
  await writeSegment(con, `SELECT ${COLUMN_LIST} FROM tail ORDER BY "ts", "id"`, [], dir, 'segments/x.parquet');
});
con.closeSync();
tail.close();
rmSync(dir, { recursive: true, force: true });
