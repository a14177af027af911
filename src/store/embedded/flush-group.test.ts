/** A flush whose segment write fails on a row isolates it (quarantine) and writes every other row. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreQuery } from '../types.ts';
import { encodeNdjson } from './event-codec.ts';
import { DAY, writeGroup } from './flush-group.ts';
import { writeSegment } from './segment-writer.ts';
import { Tail } from './tail.ts';
import { auditEvent } from './test-events.ts';
import { openStore, tempDir } from './test-helpers.ts';
import { WalQuarantine } from './wal-quarantine.ts';

const ALL: StoreQuery = { plan: { filter: { op: 'true' }, stages: [] }, limit: 1000 };
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

describe('flush groups', () => {
  it('quarantines the rows a segment write refuses and writes all the others', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const log = pino({ level: 'silent' });
    const walQuarantine = new WalQuarantine(join(t.dir, 'quarantine', 'wal'), log);
    const tail = await Tail.create(t.dir, 1, walQuarantine);
    const events = Array.from({ length: 40 }, (_, i) => auditEvent(i, { id: i === 7 || i === 30 ? `bad-${i}` : `ok-${i}` }));
    await tail.load(Buffer.from(encodeNdjson(events)), 3, events.length, 0);
    const con = await tail.connect();
    let calls = 0;
    // a writer that refuses any selection holding a "bad-" row, as DuckDB would a row it cannot write
    const failing = async (c: DuckDBConnection, select: string, params: DuckDBValue[], dataDir: string, rel: string) => {
      calls++;
      const n = (await c.runAndReadAll(`SELECT count(*)::INTEGER FROM (${select}) WHERE starts_with("id", 'bad-')`, params)).getRowsJS()[0]![0];
      if (Number(n) > 0) throw new Error('Conversion Error: simulated row that cannot be written');
      return writeSegment(c, select, params, dataDir, rel);
    };
    try {
      const ts = events.map((e) => e.ts);
      const dayStart = Math.floor(ts[0]! / DAY) * DAY;
      const adds = await writeGroup(
        { ctx: { dataDir: t.dir, walQuarantine, log }, con, range: '"_wal" > 0 AND "_wal" <= 3', flush: 'f1', now: 1, written: [], write: failing },
        { source: 'k8s_audit', dayStart, rows: 40, minTs: Math.min(...ts), maxTs: Math.max(...ts) },
      );
      expect(adds.reduce((n, a) => n + a.rows, 0)).toBe(38);
      expect(calls).toBeLessThan(40);
      const back = (await con.runAndReadAll(`SELECT id FROM read_parquet([${adds.map((a) => `'${join(t.dir, a.path)}'`).join(', ')}]) ORDER BY ts`)).getRowsJS().map((r) => r[0]);
      expect(back).toEqual(events.filter((e) => !e.id.startsWith('bad-')).map((e) => e.id));
      expect(walQuarantine.counters.events).toBe(2);
      const files = readdirSync(join(t.dir, 'quarantine', 'wal')).filter((f) => f.endsWith('.ndjson')).sort();
      expect(files).toEqual(['wal-000000000003-flush-f1-30.ndjson', 'wal-000000000003-flush-f1-7.ndjson']);
      const q = JSON.parse(readFileSync(join(t.dir, 'quarantine', 'wal', files[1]!), 'utf8')) as { id: string; message: string };
      expect(q).toMatchObject({ id: 'bad-7', message: events[7]!.message });
    } finally {
      con.closeSync();
      tail.close();
    }
  });

  it('flushes an event whose ts is outside the range of a JS Date (the flush used to throw forever)', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const s = openStore(t.dir);
    await s.start();
    try {
      await s.append([auditEvent(1), { ...auditEvent(2), ts: 8_700_000_000_000_000 }, { ...auditEvent(3), ts: -8_700_000_000_000_000 }]);
      await s.flush();
      const st = await s.stats();
      expect(st.segmentRows).toBe(3);
      expect(st.tailRows).toBe(0);
      const r = await s.query(ALL);
      expect(r.kind === 'events' ? r.events.map((e) => e.ts).sort((a, b) => a - b) : []).toEqual([-8_700_000_000_000_000, auditEvent(1).ts, 8_700_000_000_000_000]);
    } finally {
      await s.stop();
    }
  });
});
