import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SegmentInfo } from '../types.ts';
import { Manifest, replayManifest } from './manifest.ts';
import type { ManifestEntry } from './manifest.ts';
import type { EmbeddedStore } from './store.ts';
import { auditEvent } from './test-events.ts';
import { captureLogger, openStore, tempDir } from './test-helpers.ts';

const seg = (id: string, over: Partial<SegmentInfo> = {}): SegmentInfo => ({
  id, path: `segments/source=a/day=2026-01-01/${id}.parquet`, source: 'a', partition: '2026-01-01',
  minTs: 0, maxTs: 1, rows: 1, bytes: 10, sha256: 'x', createdAt: 0, ...over,
});

describe('manifest', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore | undefined;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await store?.stop();
    cleanup();
  });

  it('replays quarantine lines: the segment leaves the live set, its record stays until a retention remove', () => {
    const q = { id: 's1', path: seg('s1').path, source: 'a', partition: '2026-01-01', minTs: 0, maxTs: 1, rows: 1, bytes: 10, reason: 'bad', at: 5 };
    const entries: ManifestEntry[] = [
      { op: 'add', ...seg('s1'), flush: 'f1' },
      { op: 'add', ...seg('s2'), flush: 'f1' },
      { op: 'checkpoint', flush: 'f1', wal: 3, at: 0 },
      { op: 'quarantine', ...q },
    ];
    const r = replayManifest(entries);
    expect([...r.live.keys()]).toEqual(['s2']);
    expect([...r.quarantined.values()]).toEqual([q]);
    const later = replayManifest([...entries, { op: 'remove', id: 's1', reason: 'retention', at: 9 }]);
    expect(later.quarantined.size).toBe(0);
    expect([...later.live.keys()]).toEqual(['s2']);
  });

  it('replays adds, removes, compaction replaces and ignores adds of unfinished flushes', () => {
    const entries: ManifestEntry[] = [
      { op: 'add', ...seg('s1'), flush: 'f1' },
      { op: 'add', ...seg('s2'), flush: 'f1' },
      { op: 'checkpoint', flush: 'f1', wal: 3, at: 0 },
      { op: 'add', ...seg('s3') , replaces: ['s1'] },
      { op: 'remove', id: 's2', reason: 'retention', at: 0 },
      { op: 'add', ...seg('s4'), flush: 'f2' },
    ];
    const r = replayManifest(entries);
    expect([...r.live.keys()]).toEqual(['s3']);
    expect(r.checkpointWal).toBe(3);
    expect(r.uncommitted.map((s) => s.id)).toEqual(['s4']);
  });

  it('ignores unknown keys and ops, and cuts a torn last line with a warning', async () => {
    const path = join(dir, 'manifest.jsonl');
    writeFileSync(
      path,
      JSON.stringify({ op: 'add', ...seg('s1'), prevHash: 'abc', sig: 'zzz' }) + '\n' +
        JSON.stringify({ op: 'seal', whatever: 1 }) + '\n' +
        '{"op":"add","id":"s2","pa',
    );
    const log = captureLogger();
    const m = new Manifest(path, log.logger);
    const st = await m.load();
    expect([...st.live.keys()]).toEqual(['s1']);
    expect(st.tornLines).toBe(1);
    expect(log.lines.some((l) => l.level === 40 && /torn last manifest line/.test(l.msg))).toBe(true);
    await m.append([{ op: 'remove', id: 's1', reason: 'retention', at: 1 }]);
    await m.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2]!)).toMatchObject({ op: 'remove', id: 's1' });
    const again = await new Manifest(path, pino({ level: 'silent' })).load();
    expect(again.live.size).toBe(0);
  });

  it('on start, drops segments of a flush whose checkpoint was torn and replays their WAL instead', async () => {
    store = openStore(dir);
    await store.start();
    const evs = [auditEvent(1), auditEvent(2)];
    await store.append(evs);
    await store.flush();
    await store.stop();
    store = undefined;
    const path = join(dir, 'manifest.jsonl');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const add = JSON.parse(lines[0]!) as { path: string };
    // simulate a crash after the add line but before the checkpoint, WAL not yet trimmed
    writeFileSync(path, lines[0] + '\n' + lines[1]!.slice(0, 12));
    // the WAL file was deleted by the flush: put the batch back as a fresh WAL file
    const { encodeFrame, walFileName } = await import('./wal-format.ts');
    const { encodeNdjson } = await import('./event-codec.ts');
    writeFileSync(join(dir, 'wal', walFileName(1)), encodeFrame(Buffer.from(encodeNdjson(evs))));
    store = openStore(dir);
    await store.start();
    const r = await store.query({ plan: { filter: { op: 'true' }, stages: [] }, limit: 10 });
    expect(r.kind === 'events' && r.events.map((e) => e.id).sort()).toEqual(evs.map((e) => e.id).sort());
    expect(await store.stats()).toMatchObject({ segments: 0, tailRows: 2 });
    expect(existsSync(join(dir, add.path))).toBe(false);
  });
});
