/**
 * Restart after a crash: `node bin/run-ts.js bench/restart/run.ts [-- --events 1000000 --label after]`.
 * A child process stores N realistic events received in the last hour (bench/restart/fill.ts) and
 * is killed with SIGKILL before any detection snapshot exists (a crash before the first snapshot:
 * detection must catch up over all N). Then a real `argus server` starts on that data dir and the
 * script polls `POST /api/v1/events` and `/readyz` every 20 ms: seconds to the first 2xx, to
 * ready, and to the end of the detection catch-up, peak RSS during it, and the latency of 400-event
 * batches sent while it runs. Also times the store's start alone (dedup rebuild from segments + WAL
 * replay, in this process, before the server starts). The machine's load (`uptime`) is recorded with each figure. Results are appended
 * to docs/bench/restart-<date>.json.
 */
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { freePort } from '../../test/helpers/server-process.ts';
import { parseConfig } from '../../src/core/index.ts';
import { embeddedStoreConfigSchema as storeConfigSchema, createEmbeddedStore } from '../../src/store/embedded/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const total = Number(arg('events', '1000000'));
const label = arg('label', 'run');
/** seconds to wait for the first 2xx and for the catch-up before recording a timeout */
const capSeconds = Number(arg('cap', '600'));
const out = arg('out', join(ROOT, 'docs/bench', `restart-${new Date().toISOString().slice(0, 10)}.json`));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();
const git = (): string => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

function procKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function pick(o: unknown, keys: string[]): Record<string, unknown> {
  const r = (o ?? {}) as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => k in r).map((k) => [k, r[k]]));
}

function killed(p: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (p.exitCode !== null || p.signalCode !== null) return res();
    p.once('exit', () => res());
  });
}

const dir = mkdtempSync(join(tmpdir(), 'argus-bench-restart-'));
const data = join(dir, 'data');
try {
  // 1. fill, then crash
  const loadBeforeFill = load();
  const f0 = performance.now();
  const filler = spawn(process.execPath, [join(ROOT, 'bin/run-ts.js'), join(ROOT, 'bench/restart/fill.ts'), '--data', data, '--events', String(total)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const filled = await new Promise<Record<string, number>>((res, rej) => {
    let buf = '';
    filler.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /FILLED (\{.*\})/.exec(buf);
      if (m) res(JSON.parse(m[1]!) as Record<string, number>);
    });
    filler.once('exit', (c) => rej(new Error(`filler exited with ${c}`)));
  });
  const fillSeconds = (performance.now() - f0) / 1000;
  filler.kill('SIGKILL');
  await killed(filler);
  rmSync(join(data, 'detect', 'state.json'), { force: true });
  console.error(`filled ${JSON.stringify(filled)} in ${fillSeconds.toFixed(1)} s; killed -9`);

  // 2. the store's start alone (dedup rebuild + WAL replay; a flush-free stop leaves the data dir as it was)
  const loadWal = load();
  const store = createEmbeddedStore({ dataDir: data, config: parseConfig(storeConfigSchema, {}, 'store'), logger: pino({ level: 'warn' }) });
  const w0 = performance.now();
  await store.start();
  await store.settled();
  const walReplaySeconds = (performance.now() - w0) / 1000;
  const ws = await store.stats();
  await store.stop();

  // 3. restart a real server and poll
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const loadAtRestart = load();
  const t0 = performance.now();
  const server = spawn(process.execPath, [join(ROOT, 'bin/argus.js'), 'server', '--data', data, '--listen', `127.0.0.1:${port}`], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ARGUS_LOG_LEVEL: 'info' },
  });
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const pid = server.pid!;
  const since = () => (performance.now() - t0) / 1000;
  const probe = JSON.stringify({ source: 'bench_probe', message: 'restart probe' });
  let first2xx: number | undefined;
  let firstReady: number | undefined;
  let refused = 0;
  let non2xx = 0;
  let peakRssKb = 0;
  const deadline = Date.now() + capSeconds * 1000;
  let timedOut = false;
  let exited: { after: number; code: number | string | null; why: string } | undefined;
  while (first2xx === undefined || firstReady === undefined) {
    if (server.exitCode !== null || server.signalCode !== null) {
      // e.g. the unfixed server runs out of heap replaying 1M events: record it, do not hide it
      exited = { after: since(), code: server.exitCode ?? server.signalCode, why: /FATAL ERROR[^\n]*/.exec(stderr)?.[0] ?? stderr.slice(-300) };
      break;
    }
    if (Date.now() > deadline) {
      timedOut = true;
      break;
    }
    peakRssKb = Math.max(peakRssKb, procKb(pid, 'VmRSS'));
    const tries: Promise<void>[] = [];
    if (first2xx === undefined)
      tries.push(
        fetch(`${url}/api/v1/events`, { method: 'POST', body: probe, headers: { 'content-type': 'application/json' } }).then(
          (r) => {
            if (r.ok) first2xx ??= since();
            else non2xx++;
            return r.arrayBuffer().then(() => undefined);
          },
          () => void refused++,
        ),
      );
    if (firstReady === undefined)
      tries.push(
        fetch(`${url}/readyz`).then(
          (r) => {
            if (r.ok) firstReady ??= since();
            return r.arrayBuffer().then(() => undefined);
          },
          () => undefined,
        ),
      );
    await Promise.all(tries);
    await sleep(20);
  }

  // 4. until the detection catch-up is done: live batches keep arriving, latency recorded
  const batch = JSON.stringify(
    Array.from({ length: 400 }, (_, i) => ({ source: 'bench_live', namespace: 'live', message: `live event ${i} during catch-up` })),
  );
  const latencies: number[] = [];
  let liveFailed = 0;
  let catchupDone: number | undefined;
  let lastStats: unknown;
  while (catchupDone === undefined && !timedOut && !exited) {
    if (Date.now() > deadline) {
      timedOut = true;
      break;
    }
    peakRssKb = Math.max(peakRssKb, procKb(pid, 'VmRSS'));
    const l0 = performance.now();
    const r = await fetch(`${url}/api/v1/events`, { method: 'POST', body: batch, headers: { 'content-type': 'application/json' } });
    await r.arrayBuffer();
    if (r.ok) latencies.push(performance.now() - l0);
    else liveFailed++;
    const st = (await (await fetch(`${url}/api/v1/detection/stats`)).json()) as { catchup?: { active: boolean } };
    lastStats = st;
    // the unmodified server has no catch-up in the background: it is done once it listens
    if (!st.catchup || !st.catchup.active) catchupDone = since();
    else await sleep(100);
  }
  const hwmKb = procKb(pid, 'VmHWM');
  const metrics = timedOut || exited ? '' : await (await fetch(`${url}/metrics`)).text();
  server.kill(timedOut ? 'SIGKILL' : 'SIGTERM');
  await killed(server);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! : null);

  const result = {
    label,
    date: new Date().toISOString(),
    commit: git(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    events: total,
    fill: { seconds: fillSeconds, ...filled, load: loadBeforeFill },
    // the whole store.start: dedup index rebuilt from the segments' keys, then the WAL replayed into the tail
    storeStart: { seconds: walReplaySeconds, walEvents: ws.tailRows, walBytes: ws.walBytes, segmentRows: ws.segmentRows, load: loadWal },
    restart: {
      capSeconds,
      timedOut,
      exited,
      loadAtRestart,
      secondsToFirst2xx: first2xx ?? null,
      secondsToReady: firstReady ?? null,
      refusedConnections: refused,
      non2xxBeforeFirst2xx: non2xx,
      secondsToCatchupDone: catchupDone ?? null,
      peakRssMB: Math.max(peakRssKb, hwmKb) / 1024,
      liveBatchesDuringCatchup: latencies.length,
      liveBatchFailures: liveFailed,
      liveBatchLatencyMs: { p50: q(0.5), p99: q(0.99), max: q(1) },
      loadAtEnd: load(),
    },
    detectionStats: pick(lastStats, ['replayedEvents', 'pendingEvents', 'droppedEvents', 'alerts', 'catchup']),
    catchupMetrics: metrics.split('\n').filter((l) => l.startsWith('argus_detection_')),
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(ROOT, 'docs/bench'), { recursive: true });
  const runs = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as unknown[]) : [];
  writeFileSync(out, JSON.stringify([...runs, result], null, 2) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
