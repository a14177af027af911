/**
 * The tail: an in-memory DuckDB table of events not yet in segments, with a hidden `_wal`
 * column (the WAL file each row came from) that flushes use as their cutoff.
 *
 * Loads go through one serial queue; queued loads of the same WAL file are coalesced and loaded
 * with one `INSERT ... SELECT FROM read_json(<temp NDJSON file>)` (the fastest method measured:
 * see bench/insert-methods.ts).
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { COLUMN_DEFS, COLUMN_LIST, JSON_COLUMNS, literal } from './columns.ts';

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

  private constructor(
    private readonly db: DuckDBInstance,
    private readonly con: DuckDBConnection,
    private readonly tmpDir: string,
  ) {}

  /** `threads`: DuckDB worker threads (default: DuckDB's own, one per core) */
  static async create(tmpDir: string, threads?: number): Promise<Tail> {
    const db = await DuckDBInstance.create(':memory:', threads ? { threads: String(threads) } : {});
    const con = await db.connect();
    // segment files are immutable and never reuse a name: their Parquet footers can be cached
    // (each query binds every chosen file's schema, union_by_name)
    await con.run('SET GLOBAL parquet_metadata_cache = true');
    await con.run(`CREATE TABLE tail (${COLUMN_DEFS}, "_wal" BIGINT NOT NULL)`);
    return new Tail(db, con, tmpDir);
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
    this.con.closeSync();
    this.db.closeSync();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.ops.length > 0) {
        const op = this.ops[0]!;
        if (op.kind === 'task') {
          this.ops.shift();
          try {
            op.resolve(await op.fn());
          } catch (e) {
            op.reject(e);
          }
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
        try {
          await this.loadNow(batch.length === 1 ? op.ndjson : Buffer.concat(batch.map((b) => b.ndjson)), op.walNo);
          this.count(op.walNo, batch.reduce((n, b) => n + b.rows, 0));
          for (const b of batch) b.resolve();
        } catch (e) {
          // one bad batch must not fail its neighbours: load them one by one
          for (const b of batch) {
            const err = batch.length === 1 ? e : await this.loadNow(b.ndjson, b.walNo).then(() => undefined, (x: unknown) => x);
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
    } finally {
      this.running = false;
    }
  }

  private count(walNo: number, rows: number): void {
    this.rowsByWal.set(walNo, (this.rowsByWal.get(walNo) ?? 0) + rows);
  }

  private async loadNow(ndjson: Buffer, walNo: number): Promise<void> {
    const file = join(this.tmpDir, `load-${++this.loadSeq % 2}.ndjson`);
    await writeFile(file, ndjson);
    try {
      await this.con.run(
        `INSERT INTO tail SELECT ${COLUMN_LIST}, ${Math.trunc(walNo)} FROM read_json(${literal(file)}, ` +
          `format = 'newline_delimited', columns = ${JSON_COLUMNS}, maximum_object_size = 268435456)`,
      );
    } finally {
      await rm(file, { force: true });
    }
  }
}
