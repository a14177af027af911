/** The baselines the store is measured against, run in the same process/script. */
import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LogEvent } from '../../src/core/index.ts';
import { EVENT_COLUMNS } from '../../src/core/index.ts';

/** Plain DuckDB appender into one in-memory table: no WAL, no fsync, no segments. */
export async function duckdbAppenderBaseline(batches: LogEvent[][]): Promise<{ events: number; seconds: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const cols = EVENT_COLUMNS.map((n) => `"${n}" VARCHAR`).join(', ');
  await c.run(`CREATE TABLE t (${cols})`);
  const t0 = performance.now();
  let n = 0;
  const app = await c.createAppender('t');
  for (const b of batches) {
    for (const e of b) {
      const rec = e as unknown as Record<string, unknown>;
      for (const col of EVENT_COLUMNS) {
        const v = rec[col];
        if (v === undefined || v === null) app.appendNull();
        else app.appendVarchar(typeof v === 'string' ? v : JSON.stringify(v));
      }
      app.endRow();
      n++;
    }
  }
  app.flushSync();
  app.closeSync();
  const seconds = (performance.now() - t0) / 1000;
  c.closeSync();
  db.closeSync();
  return { events: n, seconds };
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Runs a shell command `runs` times; returns the median wall time in ms and its stdout. */
export function timeShell(cmd: string, runs = 3): { ms: number; out: string } {
  const times: number[] = [];
  let out = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - t0);
    out = (r.stdout ?? '').trim();
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, out };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
