/**
 * DuckDB's worker threads, sized for what runs: all of them while a query runs, fewer while only
 * ingest does (tail loads and flushes). On the 2-core bench machine, ingest alone with 1 thread
 * instead of 2 took ~15 % less CPU per event and was ~15 % faster (BENCHMARKS.md), while queries
 * over 10M events need both threads to stay under 300 ms. `SET threads` is global to the DuckDB
 * instance and safe while statements run; the changes go through one serial chain.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export class ThreadGovernor {
  private active = 0;
  private current: number;
  private chain: Promise<void> = Promise.resolve();

  /** `con`: a connection used only for `SET threads`; the instance starts with `ingestThreads`. */
  constructor(
    private readonly con: DuckDBConnection,
    readonly queryThreads: number,
    readonly ingestThreads: number,
  ) {
    this.current = ingestThreads;
  }

  /** Runs `fn` (a query) with the query thread count. */
  async forQuery<T>(fn: () => Promise<T>): Promise<T> {
    this.active++;
    await this.apply();
    try {
      return await fn();
    } finally {
      this.active--;
      void this.apply();
    }
  }

  /** The thread count DuckDB runs with now. */
  get threads(): number {
    return this.current;
  }

  /** Waits for pending changes (before the instance closes). */
  idle(): Promise<void> {
    return this.chain;
  }

  closeSync(): void {
    this.con.closeSync();
  }

  private apply(): Promise<void> {
    this.chain = this.chain.then(async () => {
      const want = this.active > 0 ? this.queryThreads : this.ingestThreads;
      if (want === this.current) return;
      try {
        await this.con.run(`SET GLOBAL threads = ${Math.trunc(want)}`);
        this.current = want;
      } catch {
        // the instance is closing; keep the old count
      }
    });
    return this.chain;
  }
}

/** Threads for ingest-only periods: half the query threads, at least 1. */
export function ingestThreadsFor(queryThreads: number): number {
  return Math.max(1, Math.floor(queryThreads / 2));
}
