/**
 * The embedded store: WAL (group commit) -> DuckDB tail -> Parquet segments + manifest.
 * See README.md in this folder for the on-disk layout and the crash-safety argument.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ArgusError, parseDuration } from '../../core/index.ts';
import type { LogEvent } from '../../core/index.ts';
import type { EmbeddedStoreConfig as StoreConfig } from './config.ts';
import type { AppendResult, QueryResult, Store, StoreHealth, StoreQuery, StoreStats } from '../types.ts';
import { Mutex } from './context.ts';
import { DataDirLock } from './data-dir-lock.ts';
import { HealthWatch } from './health-watch.ts';
import type { StoreContext } from './context.ts';
import { DedupIndex } from './dedup.ts';
import { canonicalBatch, encodeBatch, encodeEach } from './event-codec.ts';
import { flushTail } from './flusher.ts';
import { applyRetention, compact } from './maintenance.ts';
import { Manifest } from './manifest.ts';
import { firstLine, quarantineSegment } from './quarantine.ts';
import { throwIfAborted } from '../query-abort.ts';
import { runQuery } from './query-runner.ts';
import { quarantineMissingSegments, rebuildDedupFromSegments, replayIntoTail, sweepOrphans } from './recovery.ts';
import { renderDuckDb } from '../sql/index.ts';
import type { SqlRenderer } from './renderer.ts';
import { Snapshots } from './snapshots.ts';
import { Tail } from './tail.ts';
import { replayWal } from './wal-replay.ts';
import { WalQuarantine } from './wal-quarantine.ts';
import { WalWriter } from './wal-writer.ts';
import type { WalWriterStats } from './wal-writer.ts';

export interface EmbeddedStoreOptions {
  dataDir: string;
  config: StoreConfig;
  logger: Logger;
  /** plan -> SQL renderer (defaults to src/store/sql's renderDuckDb) */
  renderSql?: SqlRenderer;
  /** events accepted but not yet queryable before append rejects with OVERLOADED */
  maxPendingEvents?: number;
  /** encoded bytes of those events before append rejects with OVERLOADED (default 256 MiB) */
  maxPendingBytes?: number;
  /** DuckDB worker threads (default: one per core) */
  duckdbThreads?: number;
  /** how often retention, compaction and dedup expiry run (ms); 0 disables */
  maintenanceIntervalMs?: number;
  /** how often the data-dir lock, the WAL directory and file are checked for `health()` (ms, default 2000); 0 disables */
  healthCheckIntervalMs?: number;
  /** a data-dir lock of another machine (or boot) is stale once its heartbeat is this old (ms, default 30 s) */
  lockStaleAfterMs?: number;
}

/** The embedded store's own figures (also in `extra`, which /metrics exports). */
export interface EmbeddedStatsFields {
  /** acknowledged events not yet in segments (in the tail, or queued for it) */
  tailRows: number;
  walBytes: number;
  segments: number;
  segmentBytes: number;
  segmentRows: number;
  /** frames cut from a torn/corrupt WAL tail since start */
  walTornFrames: number;
  walTornBytes: number;
  /** corrupt regions skipped in the middle of WAL files at start (valid frames followed them) */
  walCorruptFrames: number;
  walCorruptBytes: number;
}

/** StoreStats with the embedded figures at top level too (embedded tests and benches read them). */
export interface EmbeddedStoreStats extends StoreStats, EmbeddedStatsFields {
  bySource: Record<string, { rows: number; bytes: number; segments: number }>;
  extra: Record<keyof EmbeddedStatsFields, number>;
}

/** Embedded-only introspection (tests, benches); not part of the Store seam. */
export interface EmbeddedStore extends Store {
  stats(): Promise<EmbeddedStoreStats>;
  walStats(): WalWriterStats;
  /** queries in progress (started and not yet settled) */
  runningQueries(): number;
  /** one health round now (the lock, the WAL directory and file); tests */
  checkHealth(): Promise<void>;
}

/** longest a query waits for tail loads queued before it (read-your-writes under saturation) */
const QUERY_WAIT_MS = 1000;
/** longest `stop` waits, in all, for running flushes, loads and queries (running queries are interrupted) */
const STOP_WAIT_MS = 5000;

/** Whether `p` settles before `deadline` (ms since epoch). */
async function within(p: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([p.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createEmbeddedStore(opts: EmbeddedStoreOptions): EmbeddedStore {
  const log = opts.logger.child({ component: 'store', store: 'embedded' });
  const cfg = opts.config;
  const flushEvery = parseDuration(cfg.flushInterval, 'store.flushInterval');
  const windowMs = parseDuration(cfg.dedupWindow, 'store.dedupWindow');
  const maxPending = opts.maxPendingEvents ?? 500_000;
  const maxPendingBytes = opts.maxPendingBytes ?? 256 * 1024 * 1024;
  const render = opts.renderSql ?? renderDuckDb;
  const flushLock = new Mutex();
  const maintLock = new Mutex();
  const timers: NodeJS.Timeout[] = [];
  let state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  let ctx: StoreContext | undefined;
  let lock: DataDirLock | undefined;
  let watch: HealthWatch | undefined;
  /** running and not fenced (lost lock, WAL gone): flushes and maintenance may write */
  const writing = (): boolean => state === 'running' && !watch?.problem;
  /** events (and their encoded bytes) appended but not yet queryable */
  let pending = 0;
  let pendingBytes = 0;
  /** acknowledged (durable) events whose tail load has not finished */
  let queuedRows = 0;
  let flushQueued = false;
  /** one per query in progress: `stop` aborts them */
  const inflight = new Set<AbortController>();

  function running(): StoreContext {
    if (state !== 'running' || !ctx) throw new ArgusError('STORE_CLOSED', 'The store is not running');
    return ctx;
  }

  function background(what: string, p: Promise<unknown>): void {
    p.catch((err: unknown) => {
      if (ctx && what === 'flush') ctx.counters.flushErrors++;
      log.error({ err }, `Background ${what} failed`);
    });
  }

  function kickFlush(c: StoreContext): void {
    if (flushQueued || c.tail.rowsAbove(c.snapshots.current.flushedWal) < cfg.flushEvents) return;
    flushQueued = true;
    background('flush', flushLock.run(async () => {
      flushQueued = false;
      if (writing()) await flushTail(c);
    }));
  }

  async function start(): Promise<void> {
    if (state !== 'new') throw new ArgusError('INTERNAL', 'The store can only be started once');
    state = 'starting';
    try {
      await mkdir(opts.dataDir, { recursive: true });
      lock = await DataDirLock.acquire(opts.dataDir, {
        ...(opts.lockStaleAfterMs !== undefined ? { staleAfterMs: opts.lockStaleAfterMs } : {}),
        onTakeover: (prev, why) => log.warn({ previous: prev ? { pid: prev.pid, hostname: prev.hostname, startedAt: prev.startedAt } : 'garbled' }, `Took over the stale data-dir lock: ${why}`),
      });
    } catch (e) {
      state = 'stopped';
      if (e instanceof ArgusError) throw e;
      throw new ArgusError('STORE_IO', `The store could not lock its data directory ${opts.dataDir}: ${firstLine(e)}`, undefined, { cause: e });
    }
    try {
      await openDir(lock);
    } catch (e) {
      state = 'stopped';
      await lock.release();
      throw e;
    }
  }

  /** everything of start after the lock: directories, manifest, WAL replay, tail */
  async function openDir(held: DataDirLock): Promise<void> {
    const walDir = join(opts.dataDir, 'wal');
    const tmpDir = join(opts.dataDir, 'tmp');
    await mkdir(walDir, { recursive: true });
    await mkdir(join(opts.dataDir, 'segments'), { recursive: true });
    await rm(tmpDir, { recursive: true, force: true });
    await mkdir(tmpDir, { recursive: true });
    const manifest = new Manifest(join(opts.dataDir, 'manifest.jsonl'), log);
    const m = await manifest.load();
    const swept = await sweepOrphans(opts.dataDir, m.live, m.quarantined.values());
    const walQuarantine = new WalQuarantine(join(opts.dataDir, 'quarantine', 'wal'), log);
    const tail = await Tail.create(tmpDir, opts.duckdbThreads, walQuarantine);
    const now = Date.now();
    const replay = await replayWal(walDir, m.checkpointWal, log);
    const wal = new WalWriter(walDir, log, cfg.commitDelayMs);
    const c: StoreContext = {
      dataDir: opts.dataDir, walDir, tmpDir, config: cfg, log, tail, wal, manifest, walQuarantine,
      snapshots: new Snapshots([...m.live.values()], m.checkpointWal, [...m.quarantined.values()]),
      dedup: new DedupIndex(windowMs, cfg.dedupMaxKeys),
      counters: {
        walTornFrames: replay.tornFrames, walTornBytes: replay.tornBytes,
        walCorruptFrames: replay.corruptFrames, walCorruptBytes: replay.corruptBytes,
        duplicatesSkipped: 0, flushes: 0, flushErrors: 0, replayedEvents: 0, replayErrors: 0,
      },
      oldWalFiles: replay.maxFile > m.checkpointWal,
    };
    ctx = c;
    try {
      await quarantineMissingSegments(c);
      await rebuildDedupFromSegments(c, now);
      await replayIntoTail(c, replay, now);
      await wal.open(Math.max(replay.maxFile, m.checkpointWal) + 1);
    } catch (e) {
      tail.close();
      await manifest.close();
      throw new ArgusError('STORE_IO', `The store could not start: ${firstLine(e)}`, undefined, { cause: e });
    }
    watch = new HealthWatch(held, walDir, wal, log);
    await watch.check();
    watch.start(opts.healthCheckIntervalMs ?? 2000);
    state = 'running';
    timers.push(setInterval(() => background('flush', flushLock.run(async () => void (writing() && (await flushTail(c))))), flushEvery));
    const maintEvery = opts.maintenanceIntervalMs ?? 60_000;
    if (maintEvery > 0) timers.push(setInterval(() => background('maintenance', maintenance(c)), maintEvery));
    for (const t of timers) t.unref();
    log.info(
      {
        segments: c.snapshots.current.segments.length, quarantined: c.snapshots.current.quarantined.length,
        replayedEvents: c.counters.replayedEvents, tornFrames: replay.tornFrames, sweptFiles: swept, dedupKeys: c.dedup.size,
      },
      'Embedded store started',
    );
  }

  async function maintenance(c: StoreContext): Promise<void> {
    if (!writing()) return;
    c.dedup.prune(Date.now());
    await maintLock.run(() => applyRetention(c, Date.now()));
    await maintLock.run(() => compact(c));
  }

  async function append(events: LogEvent[]): Promise<AppendResult> {
    const c = running();
    // a lost lock or a vanished WAL: a write now could corrupt another owner's files, or be lost
    const fenced = watch?.problem;
    if (fenced) throw new ArgusError(fenced.code, fenced.reason, { dir: opts.dataDir });
    if (events.length === 0) return { accepted: 0, duplicates: 0, stored: [] };
    if (pending + events.length > maxPending || pendingBytes > maxPendingBytes) {
      throw new ArgusError('OVERLOADED', `The store has ${pending} events waiting to be committed and loaded; retry later`, {
        pending,
        limit: maxPending,
      });
    }
    // one event that cannot be stored is refused alone (second line of defence behind the decoders)
    const { canon, indexes, rejected } = canonicalBatch(events);
    const claim = c.dedup.claim(canon, Date.now());
    c.counters.duplicatesSkipped += claim.duplicates;
    let stored = claim.fresh;
    let keys = claim.keys;
    let ndjson: Buffer;
    try {
      // text made well-formed (lone surrogates -> U+FFFD) before the WAL
      const enc = encodeBatch(stored);
      ndjson = Buffer.from(enc.ndjson);
      stored = enc.events as LogEvent[];
    } catch {
      // an event JSON.stringify refuses is refused alone; its neighbours are stored
      const each = encodeEach(stored, canon, indexes, rejected);
      c.dedup.release(each.refusedKeys);
      const refusedKeys = new Set(each.refusedKeys);
      keys = keys.filter((k) => !refusedKeys.has(k));
      const enc = encodeBatch(each.stored);
      stored = enc.events as LogEvent[];
      ndjson = Buffer.from(enc.ndjson);
    }
    if (rejected.length > 0) {
      rejected.sort((a, b) => a.index - b.index);
      log.warn({ refused: rejected.length, first: rejected[0] }, 'The store refused events it cannot encode; the rest of the batch is stored');
    }
    const refused = rejected.length > 0 ? { rejected } : {};
    if (stored.length === 0) return { accepted: 0, duplicates: claim.duplicates, stored, ...refused };
    // the load's callbacks must not hold `stored` (the events would stay alive until it finishes)
    const rows = stored.length;
    const bytes = ndjson.length;
    pending += rows;
    pendingBytes += bytes;
    const settle = (): void => {
      pending -= rows;
      pendingBytes -= bytes;
    };
    let loaded: { done: Promise<void> };
    try {
      loaded = await c.wal.append(ndjson, (walNo, offset) => ({ done: c.tail.load(ndjson, walNo, rows, offset) }));
      c.dedup.commit(keys, Date.now());
      queuedRows += rows;
    } catch (e) {
      c.dedup.release(keys);
      settle();
      throw e;
    }
    // Durable now: acknowledge without waiting for the tail load. A query waits (at most
    // QUERY_WAIT_MS) for every load queued before it, so a reader sees every acknowledged event.
    const loadDone = (): void => {
      queuedRows -= rows;
      settle();
    };
    loaded.done.then(
      () => {
        loadDone();
        kickFlush(c);
      },
      (err: unknown) => {
        loadDone();
        log.error({ err }, 'A durable batch could not be loaded into the tail; it is retried, and replayed on restart');
      },
    );
    return { accepted: stored.length, duplicates: claim.duplicates, stored, ...refused };
  }

  async function walBytes(c: StoreContext): Promise<number> {
    let total = 0;
    for (const name of await readdir(c.walDir)) total += (await stat(join(c.walDir, name)).catch(() => ({ size: 0 }))).size;
    return total;
  }

  /** Cheap (never waits for loads): /metrics calls it under any ingest load. */
  async function stats(): Promise<EmbeddedStoreStats> {
    const c = running();
    const snap = c.snapshots.current;
    const bySource: EmbeddedStoreStats['bySource'] = {};
    for (const s of snap.segments) {
      const b = (bySource[s.source] ??= { rows: 0, bytes: 0, segments: 0 });
      b.rows += s.rows;
      b.bytes += s.bytes;
      b.segments++;
    }
    const own: EmbeddedStatsFields = {
      tailRows: c.tail.rowsAbove(snap.flushedWal) + queuedRows,
      walBytes: await walBytes(c),
      segments: snap.segments.length,
      segmentBytes: snap.segments.reduce((n, s) => n + s.bytes, 0),
      segmentRows: snap.segments.reduce((n, s) => n + s.rows, 0),
      walTornFrames: c.counters.walTornFrames,
      walTornBytes: c.counters.walTornBytes,
      walCorruptFrames: c.counters.walCorruptFrames,
      walCorruptBytes: c.counters.walCorruptBytes,
    };
    return {
      rows: own.segmentRows + own.tailRows,
      bytes: own.segmentBytes + own.walBytes,
      pendingRows: queuedRows,
      ...own,
      extra: { ...own },
      duplicatesSkipped: c.counters.duplicatesSkipped,
      dedupEvicted: c.dedup.evicted,
      quarantinedSegments: snap.quarantined.length,
      quarantinedRows: snap.quarantined.reduce((n, q) => n + q.rows, 0),
      quarantinedBatches: c.walQuarantine.counters.batches,
      quarantinedEvents: c.walQuarantine.counters.events,
      quarantineDroppedEvents: c.walQuarantine.counters.dropped,
      bySource,
    };
  }

  async function stop(): Promise<void> {
    if (state === 'new') {
      state = 'stopped';
      return;
    }
    if (state === 'stopped' || !ctx) return;
    state = 'stopped';
    const c = ctx;
    for (const t of timers) clearInterval(t);
    watch?.stop();
    // running queries are interrupted (their DuckDB statements stop within ~100 ms)
    for (const ac of inflight) ac.abort(new ArgusError('STORE_CLOSED', 'The store is stopping'));
    const deadline = Date.now() + STOP_WAIT_MS;
    let late = !(await within(Promise.all([flushLock.idle(), maintLock.idle()]), deadline));
    await c.wal.close().catch((err: unknown) => log.warn({ err }, 'Closing the WAL failed'));
    late ||= !(await within(c.tail.task(async () => undefined).catch(() => undefined), deadline));
    while (!late && c.snapshots.activeReaders() > 0) {
      if (Date.now() >= deadline) late = true;
      else await new Promise((r) => setTimeout(r, 20));
    }
    if (late) {
      // closing DuckDB under a running statement is unsafe; the process is about to exit, and
      // the WAL holds every acknowledged event, so the next start replays what was not flushed
      log.warn({ waitedMs: STOP_WAIT_MS, queries: inflight.size }, 'The store stopped without closing DuckDB: a flush, load or query was still running');
      await lock?.release();
      return;
    }
    await c.tail.threads.idle();
    await c.manifest.close();
    c.tail.close();
    await lock?.release();
    log.info('Embedded store stopped');
  }

  async function query(q: StoreQuery): Promise<QueryResult> {
    const c = running();
    // the caller's signal, and stop(), abort this query
    const ac = new AbortController();
    const outer = q.signal;
    const onOuter = (): void => ac.abort(outer?.reason);
    if (outer?.aborted) onOuter();
    else outer?.addEventListener('abort', onOuter, { once: true });
    inflight.add(ac);
    try {
      // loads that failed for an I/O reason are tried again first (the disk may be back)
      if (c.tail.failedWal !== undefined) await c.tail.retryFailed();
      // read-your-writes: wait for the loads queued before this query, but never long: a store
      // saturated by ingest answers after ~1 s and says how many acknowledged events it lacks
      const complete = await c.tail.barrierWithin(QUERY_WAIT_MS);
      throwIfAborted(ac.signal);
      const missing = complete ? 0 : queuedRows;
      if (c.tail.failedWal !== undefined) {
        // never answer from a tail that silently lacks acknowledged events
        throw new ArgusError('STORE_IO', 'Some acknowledged events could not be loaded for querying (an I/O failure); they are safe in the WAL, the load is retried and a restart replays them', {
          wal: c.tail.failedWal,
        });
      }
      const r = await c.tail.threads.forQuery(() => runQuery({ tail: c.tail, snapshots: c.snapshots, dataDir: c.dataDir, render, quarantine: (seg, why) => quarantineSegment(c, seg, why) }, { ...q, signal: ac.signal }));
      if (missing > 0) r.stats.pendingRows = missing;
      return r;
    } finally {
      outer?.removeEventListener('abort', onOuter);
      inflight.delete(ac);
    }
  }

  function health(): StoreHealth {
    if (state !== 'running' || !ctx) return { writable: false, reason: state === 'stopped' ? 'The store is stopped' : 'The store is starting' };
    const broken = ctx.wal.failure();
    if (broken) return { writable: false, reason: `The last WAL write or fsync failed (${firstLine(broken)}); the store refuses writes until restarted` };
    const p = watch?.problem;
    return p ? { writable: false, reason: p.reason } : { writable: true };
  }

  return {
    start,
    health,
    append,
    stop,
    stats,
    query,
    settled: () => running().tail.barrier(),
    flush: () => {
      const c = running();
      return flushLock.run(async () => void (writing() && (await flushTail(c))));
    },
    applyRetention: (now = Date.now()) => {
      const c = running();
      return maintLock.run(() => applyRetention(c, now));
    },
    compact: () => {
      const c = running();
      return maintLock.run(() => compact(c));
    },
    walStats: () => running().wal.stats(),
    runningQueries: () => inflight.size,
    checkHealth: () => watch?.check() ?? Promise.resolve(),
  };
}
