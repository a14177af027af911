/**
 * The tail: an in-memory DuckDB table of events not yet in segments, with a hidden `_wal`
 * column (the WAL file each row came from) that flushes use as their cutoff.
 *
 * Loads go through one queue; queued loads of the same WAL file are coalesced and loaded with one
 * `INSERT ... SELECT FROM read_json(<temp NDJSON file>)` (the fastest method measured: see
 * bench/insert-methods.ts). Up to two loads run at once on their own connections (DuckDB appends
 * to one table in parallel); a task (flush, barrier, delete) waits for every load queued before it.
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { availableParallelism } from 'node:os';
import { COLUMN_DEFS, COLUMN_LIST, JSON_COLUMNS, literal } from './columns.ts';
import { ThreadGovernor, ingestThreadsFor } from './threads.ts';

type Op =
  | { kind: 'load'; ndjson: Buffer; walNo: number; rows: number; resolve: () => void; reject: (e: unknown) => void }
  | { kind: 'task'; fn: () => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };

const MAX_COALESCE_BYTES = 64 * 1024 * 1024;

export class Tail {
  private ops: Op[] = [];
  private running = false;
  /** rows currently in the table, by WAL file */
  private readonly rowsByWal = new Map<number, number>();
  private loadSeq = 0;
  /** lowest WAL file with a batch that failed to load (its rows are only in the WAL) */
  failedWal: number | undefined;

  private readonly busy = new Set<DuckDBConnection>();

  private constructor(
    private readonly db: DuckDBInstance,
    private readonly con: DuckDBConnection,
    /** connections loads run on, one per concurrent load (DuckDB appends to one table in parallel) */
    private readonly loadCons: DuckDBConnection[],
    private readonly tmpDir: string,
    /** DuckDB's thread count: full while queries run (`forQuery`), lower for ingest alone */
    readonly threads: ThreadGovernor,
  ) {}

  /** `threads`: DuckDB worker threads for queries (default: one per core); ingest alone uses half */
  static async create(tmpDir: string, threads?: number): Promise<Tail> {
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
    return new Tail(db, con, loadCons, tmpDir, governor);
  }

  /** A new connection to the same database, for a query. */
  connect(): Promise<DuckDBConnection> {
    return this.db.connect();
  }

  /** Queues an NDJSON batch (from WAL file `walNo`) for loading; resolves once it is queryable. */
  load(ndjson: Buffer, walNo: number, rows: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.ops.push({ kind: 'load', ndjson, walNo, rows, resolve, reject });
      void this.drain();
    });
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
      this.count(walNo, batch.reduce((n, b) => n + b.rows, 0));
      for (const b of batch) b.resolve();
    } catch (e) {
      // one bad batch must not fail its neighbours: load them one by one
      for (const b of batch) {
        const err = batch.length === 1 ? e : await this.loadNow(con, [b.ndjson], b.walNo).then(() => undefined, (x: unknown) => x);
        if (err === undefined) {
          this.count(b.walNo, b.rows);
          b.resolve();
          continue;
        }
        this.failedWal = Math.min(this.failedWal ?? Infinity, b.walNo);
        b.reject(err);
      }
    }
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
