/**
 * The second line of defence behind well-formed text: a WAL line DuckDB refuses is quarantined
 * (written aside with its WAL position, counted) and its neighbours are loaded; a restart never
 * refuses to start because of one bad frame; an I/O failure of a load clears once the load succeeds.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../core/index.ts';
import type { StoreQuery } from '../types.ts';
import { isArgusError } from '../../core/index.ts';
import { encodeNdjson } from './event-codec.ts';
import { auditEvent } from './test-events.ts';
import { openStore, tempDir } from './test-helpers.ts';
import { WalWriter } from './wal-writer.ts';
import { splitLines } from './load-isolate.ts';

const ALL: StoreQuery = { plan: { filter: { op: 'true' }, stages: [] }, limit: 1000 };

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

/** Writes NDJSON frames with the WAL writer directly, as code without sanitization did. */
async function writeWal(data: string, frames: string[]): Promise<number[]> {
  const walDir = join(data, 'wal');
  mkdirSync(walDir, { recursive: true });
  const w = new WalWriter(walDir, pino({ level: 'silent' }), 0);
  await w.open(1);
  const offsets: number[] = [];
  for (const f of frames) offsets.push(await w.append(Buffer.from(f), (_n, off) => off));
  await w.close();
  return offsets;
}

const ev = (i: number, over: Partial<LogEvent> = {}): LogEvent => auditEvent(i, { message: `event-${i}`, dedupKey: `k-${i}`, ...over });

describe('WAL quarantine', () => {
  it('starts on a WAL holding a poison frame written by the old code: neighbours queryable, the poison line quarantined and counted', async () => {
    const d = dir();
    // the poison line: a lone surrogate escape, exactly what JSON.stringify wrote before sanitization
    const poison = JSON.stringify(ev(2, { message: 'x \ud800' }));
    expect(poison).toContain('\\ud800');
    const frameA = encodeNdjson([ev(1)]) + poison + '\n' + encodeNdjson([ev(3)]);
    const frameB = encodeNdjson([ev(4), ev(5)]);
    const offsets = await writeWal(d, [frameA, frameB]);

    const s = openStore(d);
    await s.start();
    try {
      const r = await s.query(ALL);
      expect(r.kind).toBe('events');
      const got = r.kind === 'events' ? r.events.map((e) => e.message).sort() : [];
      expect(got).toEqual(['event-1', 'event-3', 'event-4', 'event-5']);
      const st = await s.stats();
      expect(st.quarantinedEvents).toBe(1);
      expect(st.quarantinedBatches).toBe(1);

      const qdir = join(d, 'quarantine', 'wal');
      const stem = `wal-000000000001-${offsets[0]}`;
      expect(readdirSync(qdir).sort()).toEqual([`${stem}.json`, `${stem}.ndjson`]);
      expect(readFileSync(join(qdir, `${stem}.ndjson`), 'utf8')).toBe(poison + '\n');
      const meta = JSON.parse(readFileSync(join(qdir, `${stem}.json`), 'utf8')) as Record<string, any>;
      expect(meta).toMatchObject({ walFile: 'wal-000000000001.log', frameOffset: offsets[0], lines: [{ line: 1, reason: expect.stringMatching(/surrogate/) }] });

      // flushing works and keeps every neighbour
      await s.flush();
      const after = await s.query(ALL);
      expect(after.kind === 'events' ? after.events.length : -1).toBe(4);
      expect((await s.stats()).segments).toBeGreaterThan(0);
    } finally {
      await s.stop();
    }
    // the WAL was flushed: a second restart has nothing to quarantine, the quarantine file stays
    const s2 = openStore(d);
    await s2.start();
    try {
      expect((await s2.stats()).quarantinedEvents).toBe(0);
      const r = await s2.query(ALL);
      expect(r.kind === 'events' ? r.events.length : -1).toBe(4);
      expect(existsSync(join(d, 'quarantine', 'wal', `wal-000000000001-${offsets[0]}.ndjson`))).toBe(true);
    } finally {
      await s2.stop();
    }
  });

  it('isolates several bad lines among many good ones in one frame, loading every good line', async () => {
    const d = dir();
    const lines: string[] = [];
    const bad = new Set([0, 17, 18, 63, 99]);
    for (let i = 0; i < 100; i++) lines.push(bad.has(i) ? JSON.stringify(ev(i, { attrs: { ['k\udc00']: 1 } })) : JSON.stringify(ev(i)));
    await writeWal(d, [lines.join('\n') + '\n']);
    const s = openStore(d);
    await s.start();
    try {
      const r = await s.query(ALL);
      expect(r.kind === 'events' ? r.events.length : -1).toBe(95);
      expect((await s.stats()).quarantinedEvents).toBe(5);
      const meta = JSON.parse(readFileSync(join(d, 'quarantine', 'wal', 'wal-000000000001-0.json'), 'utf8')) as { lines: { line: number }[] };
      expect(meta.lines.map((l) => l.line)).toEqual([...bad]);
      const quarantined = splitLines(readFileSync(join(d, 'quarantine', 'wal', 'wal-000000000001-0.ndjson')));
      expect(quarantined.map((b) => b.toString('utf8').trimEnd())).toEqual([...bad].map((i) => lines[i]));
    } finally {
      await s.stop();
    }
  });

  it('an I/O failure of a load answers STORE_IO, then clears once the load succeeds again', async () => {
    const d = dir();
    const s = openStore(d);
    await s.start();
    try {
      await s.append([ev(1)]);
      await s.settled();
      // the tail's scratch directory vanishes: the next load cannot write its temp file (ENOENT)
      rmSync(join(d, 'tmp'), { recursive: true, force: true });
      await s.append([ev(2)]);
      await s.settled();
      const err = await s.query(ALL).then(() => undefined, (e: unknown) => e);
      expect(isArgusError(err) && err.code).toBe('STORE_IO');
      await expect(s.flush()).rejects.toMatchObject({ code: 'STORE_IO' });
      expect((await s.stats()).quarantinedEvents).toBe(0);
      mkdirSync(join(d, 'tmp'));
      let answer: unknown;
      // retries are at most once a second: a bounded number of attempts
      for (let i = 0; i < 40 && answer === undefined; i++) {
        answer = await s.query(ALL).catch(() => undefined);
        if (answer === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      const r = answer as Awaited<ReturnType<typeof s.query>>;
      expect(r.kind === 'events' ? r.events.map((e) => e.message).sort() : []).toEqual(['event-1', 'event-2']);
      await s.flush();
      expect((await s.stats()).segmentRows).toBe(2);
    } finally {
      await s.stop();
    }
  });
});
