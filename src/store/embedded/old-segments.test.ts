/**
 * Segments written before a column existed (here `ingest`, added for provenance) stay readable:
 * the column reads as NULL in searches, stats, late reads and compaction, alone or mixed with
 * newer segments.
 */
import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEvent, QueryPlan } from '../../core/index.ts';
import type { EmbeddedStore } from './store.ts';
import { auditEvent } from './test-events.ts';
import { openStore, tempDir } from './test-helpers.ts';

const DAY = Date.UTC(2026, 0, 15, 10);
const ALL: QueryPlan = { filter: { op: 'true' }, stages: [] };
const byIngest = (value: string): QueryPlan => ({ filter: { op: 'match', field: { kind: 'column', name: 'ingest' }, value, wildcard: false }, stages: [] });

function parquetFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.parquet')) out.push(join(d, e.name));
    }
  };
  walk(join(dir, 'segments'));
  return out;
}

/** Rewrites every segment without the `ingest` column, as a store of before it wrote them. */
async function dropIngestColumn(dir: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  for (const f of parquetFiles(dir)) {
    await con.run(`COPY (SELECT * EXCLUDE ("ingest") FROM read_parquet('${f}')) TO '${f}.old' (FORMAT parquet)`);
    renameSync(`${f}.old`, f);
  }
  const cols = (await con.runAndReadAll(`SELECT name FROM parquet_schema('${parquetFiles(dir)[0]}')`)).getRowsJS().map((r) => r[0]);
  expect(cols).not.toContain('ingest');
  con.closeSync();
}

async function events(store: EmbeddedStore, plan: QueryPlan, range: { from?: number; to?: number } = {}): Promise<LogEvent[]> {
  const r = await store.query({ plan, limit: 1000, ...range });
  if (r.kind !== 'events') throw new Error('expected events');
  return r.events;
}

describe('segments written before the ingest column', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore | undefined;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await store?.stop();
    cleanup();
  });

  it('read ingest as NULL alone, beside newer segments and the tail, and through compaction', async () => {
    const old = Array.from({ length: 10 }, (_, i) => auditEvent(i, { ts: DAY + i }));
    store = openStore(dir, { compactBelowRows: 1000 });
    await store.start();
    await store.append(old.map((e) => ({ ...e, ingest: 'generic/anonymous' })));
    await store.flush();
    await store.stop();
    await dropIngestColumn(dir);

    store = openStore(dir, { compactBelowRows: 1000 });
    await store.start();
    // only the old segment is selected: no file has the column
    const alone = await events(store, ALL, { from: DAY, to: DAY + 10 });
    expect(alone.map((e) => e.id).sort()).toEqual(old.map((e) => e.id).sort());
    expect(alone.every((e) => e.ingest === undefined)).toBe(true);
    expect(await events(store, byIngest('generic/anonymous'), { from: DAY, to: DAY + 10 })).toEqual([]);

    const fresh = Array.from({ length: 10 }, (_, i) => auditEvent(100 + i, { ts: DAY + 100 + i, ingest: 'k8s-audit/token:prod' }));
    await store.append(fresh.slice(0, 5));
    await store.flush();
    await store.append(fresh.slice(5));
    const check = async (): Promise<void> => {
      expect((await events(store!, ALL)).length).toBe(20);
      expect((await events(store!, byIngest('k8s-audit/token:prod'))).map((e) => e.id).sort()).toEqual(fresh.map((e) => e.id).sort());
      const stats = await store!.query({ plan: { filter: { op: 'true' }, stages: [{ op: 'stats', aggs: [{ fn: 'count', as: 'count' }], by: [{ kind: 'column', name: 'ingest' }] }] }, limit: 10 });
      if (stats.kind !== 'table') throw new Error('expected a table');
      expect(stats.rows.map((r) => [r[0], r[1]]).sort()).toEqual([['k8s-audit/token:prod', 10], [null, 10]].sort());
    };
    await check();
    const report = await store.compact();
    expect(report.merged).toBeGreaterThanOrEqual(2);
    await check();
  });
});
