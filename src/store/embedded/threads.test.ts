import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadGovernor, ingestThreadsFor } from './threads.ts';

describe('ThreadGovernor', () => {
  let db: DuckDBInstance | undefined;
  afterEach(() => db?.closeSync());

  it('gives DuckDB the query thread count while any query runs, and the ingest count otherwise', async () => {
    db = await DuckDBInstance.create(':memory:', { threads: '1' });
    const probe = await db.connect();
    const threads = async (): Promise<number> => Number((await probe.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0]![0]);
    const gov = new ThreadGovernor(await db.connect(), 4, 1);
    expect(await threads()).toBe(1);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = gov.forQuery(async () => {
      await held;
      return threads();
    });
    const second = await gov.forQuery(threads); // overlaps the first
    expect(second).toBe(4);
    await gov.idle();
    expect(await threads()).toBe(4); // the first query still runs
    release();
    expect(await first).toBe(4);
    await gov.idle();
    expect(await threads()).toBe(1);
    expect(gov.threads).toBe(1);
    // a failing query restores the count too
    await expect(gov.forQuery(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await gov.idle();
    expect(await threads()).toBe(1);
    gov.closeSync();
    probe.closeSync();
  });

  it('uses half the query threads for ingest, at least one', () => {
    expect([1, 2, 3, 8].map(ingestThreadsFor)).toEqual([1, 1, 1, 4]);
  });
});
