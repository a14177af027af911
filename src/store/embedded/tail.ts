/**
 * The tail: an in-memory DuckDB table of events not yet in segments, with a hidden `_wal`
 * column (the WAL file each row came from) that flushes use as their cutoff.
 *
 * Loads go through one queue; queued loads of the same WAL file are coalesced and loaded with one
 * `INSERT ... SELECT FROM read_json(<temp NDJSON file>)` (the fastest method measured: see
 * bench/insert-methods.ts). Up to two loads run at once on their own connections (DuckDB appends
 * to one table in parallel); a task (flush, barrier, delete) waits for every load queued before it.
 *
 * A load DuckDB rejects for its data is bisected (load-isolate.ts): the good lines are loaded, the
 * lines that fail alone go to the quarantine (wal-quarantine.ts), and the load succeeds. Only a
 * genuine I/O failure leaves rows unloaded (`failedWal`: queries refuse to answer without them);
 * those loads are kept (bounded) and `retryFailed` tries them again, which clears that state.
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { availableParallelism } from 'node:os';
import { COLUMN_DEFS, COLUMN_LIST, JSON_COLUMNS, literal } from './columns.ts';
import { ThreadGovernor, ingestThreadsFor } from './threads.ts';
import { ioMarked, loadIsolating, splitLines } from './load-isolate.ts';
import type { BadLine, WalQuarantine } from './wal-quarantine.ts';

interface Chunk {
  ndjson: Buffer;
  walNo: number;
  rows: number;
  /** the WAL frame's byte offset in its file (the quarantine records it) */
  offset: number;
}

type Op =
  | (Chunk & { kind: 'load'; resolve: () => void; reject: (e: unknown) => void })
  | { kind: 'task'; fn: () => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };

const MAX_COALESCE_BYTES = 64 * 1024 * 1024;
/** bytes of failed loads kept in memory for `retryFailed`; beyond, only a restart (WAL replay) recovers them */
const MAX_RETRY_BYTES = 64 * 1024 * 1024;
const RETRY_EVERY_MS = 1000;

export class Tail {
  private ops: Op[] = [];
  private running = false;
  /** rows currently in the table, by WAL file */
  private readonly rowsByWal = new Map<number, number>();
  private loadSeq = 0;
  /** lowest WAL file with a batch that failed to load for an I/O reason (its rows are only in the WAL) */
  failedWal: number | undefined;
  /** loads that failed for an I/O reason, kept to retry; `retryLost`: some were too big to keep */
  private failed: Chunk[] = [];
  private failedBytes = 0;
  private retryLost = false;
  private lastRetry = 0;
  private retrying: Promise<void> | undefined;

  private readonly busy = new Set<DuckDBConnection>();

  private constructor(
    private readonly db: DuckDBInstance,
    private readonly con: DuckDBConnection,
    /** connections loads run on, one per concurrent load (DuckDB appends to one table in parallel) */
    private readonly loadCons: DuckDBConnection[],
    private readonly tmpDir: string,
    /** DuckDB's thread count: full while queries run (`forQuery`), lower for ingest alone */
    readonly threads: ThreadGovernor,
    private readonly quarantine: WalQuarantine | undefined,
  ) {}

  /**
   * `threads`: DuckDB worker threads for queries (default: one per core); ingest alone uses half.
   * `quarantine`: where lines DuckDB refuses go (without one, a refused load fails like an I/O error).
   */
  static async create(tmpDir: string, threads?: number, quarantine?: WalQuarantine): Promise<Tail> {
    const queryThreads = threads ?? availableParallelism();
    const ingestThreads = ingestThreadsFor(queryThreads);
    const db = await DuckDBInstance.create(':memory:', { threads: String(ingestThreads) });
    const con = await db.connect();
    // segment files are immutable and never reuse a name: their Parquet footers can be cached
    // (each query binds every chosen file's schema, union_by_name)
    await con.run('SET GLOBAL parquet_metadata_cache = true');
    await con.run(`CREATE TABLE tail (${COLUMN_DEFS}, "_wal" BIGINT NOT NULL)`);
    const loadCons = [con, await db.connect()];
    const governor = new ThreadGovernor(await db.connect(), queryThreads, ingestThreads);
    return new Tail(db, con, loadCons, tmpDir, governor, quarantine);
  }

  /** A new connection to the same database, for a query. */
  connect(): Promise<DuckDBConnection> {
    return this.db.connect();
  }

  /**
   * Queues an NDJSON batch (the WAL frame at `offset` of file `walNo`) for loading; resolves once
   * it is queryable (lines DuckDB refuses quarantined); rejects only on an I/O failure.
   */
  load(ndjson: Buffer, walNo: number, rows: number, offset = -1): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.ops.push({ kind: 'load', ndjson, walNo, rows, offset, resolve, reject });
      void this.drain();
    });
  }

  /**
   * Queues the loads that failed for an I/O reason again (at most once a second; a no-op when none
   * failed); `failedWal` clears once they are all loaded. Callers then wait with `barrier`.
   */
  retryFailed(): Promise<void> {
    if (this.retrying) return this.retrying;
    if (this.failed.length === 0 || Date.now() - this.lastRetry < RETRY_EVERY_MS) return Promise.resolve();
    this.lastRetry = Date.now();
    const chunks = this.failed;
    this.failed = [];
    this.failedBytes = 0;
    if (!this.retryLost) this.failedWal = undefined;
    const p = Promise.all(chunks.map((c) => this.load(c.ndjson, c.walNo, c.rows, c.offset).catch(() => undefined))).then(() => undefined);
    this.retrying = p.finally(() => (this.retrying = undefined));
    return this.retrying;
  }

  /** Runs `fn` on the tail's connection after every load queued before it. */
  task<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.ops.push({ kind: 'task', fn: () => fn(this.con), resolve: resolve as (v: unknown) => void, reject });
      void this.drain();
    });
  }

  /** Resolves once every load queued before this call has been applied (or has failed). */
  barrier(): Promise<void> {
    if (!this.running && this.ops.length === 0) return Promise.resolve();
    return this.task(async () => undefined);
  }

  /** Like `barrier`, but gives up after `ms`: true when every earlier load was applied in time. */
  async barrierWithin(ms: number): Promise<boolean> {
    if (!this.running && this.ops.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
    try {
      return await Promise.race([this.barrier().then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  run(sql: string, params?: DuckDBValue[]): Promise<void> {
    return this.task(async (con) => {
      await con.run(sql, params);
    });
  }

  /** Rows whose WAL file number is above `wal` (i.e. not yet covered by segments). */
  rowsAbove(wal: number): number {
    let n = 0;
    for (const [w, rows] of this.rowsByWal) if (w > wal) n += rows;
    return n;
  }

  /** Drops rows from WAL files <= wal (they are in segments now). */
  deleteUpTo(wal: number): Promise<void> {
    return this.task(async (con) => {
      await con.run('DELETE FROM tail WHERE "_wal" <= $1', [wal]);
      for (const w of [...this.rowsByWal.keys()]) if (w <= wal) this.rowsByWal.delete(w);
    });
  }

  close(): void {
    this.threads.closeSync();
    for (const c of this.loadCons) if (c !== this.con) c.closeSync();
    this.con.closeSync();
    this.db.closeSync();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const active = new Set<Promise<void>>();
    try {
      while (this.ops.length > 0) {
        const op = this.ops[0]!;
        if (op.kind === 'task') {
          // a task sees every load queued before it: wait for the loads in flight
          while (active.size > 0) await Promise.race(active);
          this.ops.shift();
          try {
            op.resolve(await op.fn());
          } catch (e) {
            op.reject(e);
          }
          continue;
        }
        if (active.size >= this.loadCons.length) {
          await Promise.race(active);
          continue;
        }
        const batch: Extract<Op, { kind: 'load' }>[] = [];
        let bytes = 0;
        while (this.ops.length > 0) {
          const next = this.ops[0]!;
          if (next.kind !== 'load' || next.walNo !== op.walNo || (batch.length > 0 && bytes + next.ndjson.length > MAX_COALESCE_BYTES)) break;
          batch.push(next);
          bytes += next.ndjson.length;
          this.ops.shift();
        }
        const con = this.loadCons.find((c) => !this.busy.has(c))!;
        this.busy.add(con);
        const p: Promise<void> = this.loadBatch(con, batch).finally(() => {
          this.busy.delete(con);
          active.delete(p);
        });
        active.add(p);
      }
      while (active.size > 0) await Promise.race(active);
    } finally {
      this.running = false;
    }
    // ops queued while the last loads finished
    if (this.ops.length > 0) void this.drain();
  }

  private async loadBatch(con: DuckDBConnection, batch: Extract<Op, { kind: 'load' }>[]): Promise<void> {
    const walNo = batch[0]!.walNo;
    try {
      await this.loadNow(con, batch.map((b) => b.ndjson), walNo);
    } catch (e) {
      await this.isolate(con, batch, e);
      return;
    }
    this.count(walNo, batch.reduce((n, b) => n + b.rows, 0));
    for (const b of batch) b.resolve();
  }

  /** A rejected batch: load its good lines, quarantine the bad ones, keep what I/O left unloaded. */
  private async isolate(con: DuckDBConnection, batch: Extract<Op, { kind: 'load' }>[], first: unknown): Promise<void> {
    const walNo = batch[0]!.walNo;
    const lines: { frame: number; line: number; text: Buffer }[] = [];
    for (const [frame, b] of batch.entries()) for (const [line, text] of splitLines(b.ndjson).entries()) lines.push({ frame, line, text });
    const canQuarantine = this.quarantine !== undefined;
    const r = await loadIsolating(lines.length, canQuarantine ? first : ioMarked(first), (lo, hi) =>
      this.loadNow(con, [Buffer.concat(lines.slice(lo, hi).map((l) => l.text))], walNo),
    );
    const loaded = new Array<boolean>(lines.length).fill(true);
    const bad: BadLine[][] = batch.map(() => []);
    const left: Buffer[][] = batch.map(() => []);
    for (const { index, error } of r.bad) {
      loaded[index] = false;
      const l = lines[index]!;
      bad[l.frame]!.push({ line: l.line, text: l.text, reason: error instanceof Error ? error.message : String(error) });
    }
    for (const i of r.unloaded) {
      loaded[i] = false;
      left[lines[i]!.frame]!.push(lines[i]!.text);
    }
    this.count(walNo, loaded.filter(Boolean).length);
    for (const [f, b] of batch.entries()) {
      let err: unknown = r.ioError;
      if (bad[f]!.length > 0) {
        try {
          await this.quarantine!.put(walNo, b.offset, bad[f]!);
        } catch (e) {
          // not written aside: those lines are still only in the WAL
          err = e;
          left[f]!.push(...bad[f]!.map((l) => l.text));
        }
      }
      if (left[f]!.length === 0) {
        b.resolve();
        continue;
      }
      this.keepFailed({ ndjson: Buffer.concat(left[f]!), walNo, rows: left[f]!.length, offset: b.offset });
      b.reject(err);
    }
  }

  private keepFailed(c: Chunk): void {
    this.failedWal = Math.min(this.failedWal ?? Infinity, c.walNo);
    if (this.failedBytes + c.ndjson.length > MAX_RETRY_BYTES) {
      this.retryLost = true;
      return;
    }
    this.failed.push(c);
    this.failedBytes += c.ndjson.length;
  }

  private count(walNo: number, rows: number): void {
    this.rowsByWal.set(walNo, (this.rowsByWal.get(walNo) ?? 0) + rows);
  }

  private async loadNow(con: DuckDBConnection, parts: Buffer[], walNo: number): Promise<void> {
    const file = join(this.tmpDir, `load-${++this.loadSeq}.ndjson`);
    try {
      await writeAll(file, parts);
      await con.run(
        `INSERT INTO tail SELECT ${COLUMN_LIST}, ${Math.trunc(walNo)} FROM read_json(${literal(file)}, ` +
          `format = 'newline_delimited', columns = ${JSON_COLUMNS}, maximum_object_size = 268435456)`,
      );
    } finally {
      await rm(file, { force: true });
    }
  }
}

/**
 * Writes `parts` to a new file with one writev (fs.promises.writeFile writes 512 KiB chunks, each
 * waiting for a turn of a busy event loop: 64 MiB took seconds under ingest load).
 */
async function writeAll(file: string, parts: Buffer[]): Promise<void> {
  const fh = await open(file, 'w');
  try {
    const total = parts.reduce((n, b) => n + b.length, 0);
    const written = (await fh.writev(parts)).bytesWritten;
    if (written < total) {
      const rest = Buffer.concat(parts).subarray(written);
      for (let off = 0; off < rest.length; ) off += (await fh.write(rest, off, rest.length - off)).bytesWritten;
    }
  } finally {
    await fh.close();
  }
}
