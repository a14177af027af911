import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, closeSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { WalWriter } from './wal-writer.ts';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddedStore } from './store.ts';
import { auditEvent } from './test-events.ts';
import { captureLogger, openStore, tempDir } from './test-helpers.ts';
import { crc32c } from './crc32c.ts';
import { encodeFrame } from './wal-format.ts';
import { scanWal } from './wal-reader.ts';

const frame = (s: string): Buffer => encodeFrame(Buffer.from(s));

describe('scanWal', () => {
  it('reads good frames and reports a torn tail', () => {
    const good = Buffer.concat([frame('{"a":1}\n'), frame('{"a":2}\n')]);
    expect(scanWal(good)).toMatchObject({ goodEnd: good.length, tornFrames: 0 });
    const torn = Buffer.concat([good, frame('{"a":3}\n').subarray(0, 10)]);
    expect(scanWal(torn)).toMatchObject({ goodEnd: good.length, tornFrames: 1, tornBytes: 10 });
    expect(scanWal(torn).payloads.map(String)).toEqual(['{"a":1}\n', '{"a":2}\n']);
    expect(scanWal(Buffer.concat([good, Buffer.from([1, 2, 3])]))).toMatchObject({ tornFrames: 1, tornBytes: 3 });
  });

  it('skips a corrupt frame in the middle and keeps what follows', () => {
    const bad = frame('{"a":2}\n');
    bad[10] = bad[10]! ^ 0xff;
    const buf = Buffer.concat([frame('{"a":1}\n'), bad, frame('{"a":3}\n')]);
    const r = scanWal(buf);
    expect(r.payloads.map(String)).toEqual(['{"a":1}\n', '{"a":3}\n']);
    expect(r).toMatchObject({ tornFrames: 0, corruptFrames: 1, corruptBytes: bad.length, goodEnd: buf.length });
  });
});

function lastWalFile(dir: string): string {
  const files = readdirSync(join(dir, 'wal')).filter((f) => statSync(join(dir, 'wal', f)).size > 0).sort();
  return join(dir, 'wal', files.at(-1)!);
}

describe('frame checksums', () => {
  it('writes zlib CRC-32, still reads legacy CRC32C frames, and rejects any other checksum', () => {
    const payload = Buffer.from('{"id":"a"}\n');
    const frame = encodeFrame(payload);
    expect(frame.readUInt32LE(4)).toBe(crc32(payload));
    const legacy = Buffer.from(frame);
    legacy.writeUInt32LE(crc32c(payload), 4);
    const wrong = Buffer.from(frame);
    wrong.writeUInt32LE((crc32(payload) ^ 1) >>> 0, 4);
    expect(scanWal(frame).payloads).toHaveLength(1);
    expect(scanWal(legacy).payloads).toHaveLength(1);
    expect(scanWal(wrong)).toMatchObject({ payloads: [], tornFrames: 1 });
  });
});

describe('WAL recovery', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await store?.stop();
    cleanup();
  });

  async function writeBatches(n: number): Promise<string[][]> {
    store = openStore(dir);
    await store.start();
    const batches: string[][] = [];
    for (let b = 0; b < n; b++) {
      const evs = Array.from({ length: 3 }, (_, i) => auditEvent(b * 10 + i, { dedupKey: undefined }));
      await store.append(evs);
      batches.push(evs.map((e) => e.id));
    }
    await store.stop();
    return batches;
  }

  async function restartIds(): Promise<{ ids: string[]; log: ReturnType<typeof captureLogger> }> {
    const log = captureLogger();
    store = openStore(dir, {}, { logger: log.logger });
    await store.start();
    const r = await store.query({ plan: { filter: { op: 'true' }, stages: [] }, limit: 1000 });
    return { ids: r.kind === 'events' ? r.events.map((e) => e.id).sort() : [], log };
  }

  for (const [name, damage] of [
    ['truncated payload', (f: string, size: number) => truncateSync(f, size - 7)],
    ['short length header', (f: string, size: number, last: number) => truncateSync(f, size - last + 3)],
    ['garbled payload (CRC mismatch)', (f: string, size: number) => garble(f, size - 20)],
    ['garbled length', (f: string, size: number, last: number) => garble(f, size - last)],
  ] as const) {
    it(`cuts a torn last frame (${name}) and keeps every earlier event`, async () => {
      const batches = await writeBatches(4);
      const file = lastWalFile(dir);
      const size = statSync(file).size;
      const lastFrame = size - frameStart(readFileSync(file));
      damage(file, size, lastFrame);
      const { ids, log } = await restartIds();
      expect(ids).toEqual(batches.slice(0, 3).flat().sort());
      const st = await store.stats();
      expect(st.walTornFrames).toBe(1);
      expect(st.walTornBytes).toBeGreaterThan(0);
      expect(statSync(file).size).toBe(size - lastFrame);
      expect(log.lines.some((l) => l.level === 40 && /torn WAL tail/.test(l.msg))).toBe(true);
      // the store keeps working, and the cut tail stays cut after another restart
      await store.append([auditEvent(99)]);
      await store.stop();
      const again = await restartIds();
      expect(again.ids).toHaveLength(10);
      expect((await store.stats()).walTornFrames).toBe(0);
    });
  }

  it('skips a corrupt frame in the middle of a file without failing', async () => {
    const batches = await writeBatches(3);
    const file = lastWalFile(dir);
    const buf = readFileSync(file);
    garble(file, buf.readUInt32LE(0) + 8 + 20); // inside the second frame
    const { ids } = await restartIds();
    expect(ids).toEqual([...batches[0]!, ...batches[2]!].sort());
    expect(await store.stats()).toMatchObject({ walTornFrames: 0, walCorruptFrames: 1 });
  });

  it('counts a bad end of an older WAL file as corruption, not as a torn tail', async () => {
    const first = await writeBatches(2);
    const second = await writeBatches(1); // restart: replays wal 1, appends into wal 2
    const older = join(dir, 'wal', readdirSync(join(dir, 'wal')).sort()[0]!);
    truncateSync(older, statSync(older).size - 5);
    const { ids } = await restartIds();
    expect(ids).toEqual([...first[0]!, ...second[0]!].sort());
    expect(await store.stats()).toMatchObject({ walTornFrames: 0, walCorruptFrames: 1 });
  });

  it('treats a garbage-only WAL file as one torn frame', async () => {
    await writeBatches(1);
    writeFileSync(join(dir, 'wal', 'wal-999999999999.log'), Buffer.from('not a frame at all'));
    const { ids } = await restartIds();
    expect(ids).toHaveLength(3);
    expect((await store.stats()).walTornFrames).toBe(1);
  });
});

/** Offset of the last frame in a well-formed WAL buffer. */
function frameStart(buf: Buffer): number {
  let pos = 0;
  let last = 0;
  while (pos < buf.length) {
    last = pos;
    pos += 8 + buf.readUInt32LE(pos);
  }
  return last;
}

function garble(file: string, at: number): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, at);
  closeSync(fd);
}

describe('WalWriter.linked during rotation', () => {
  it('never reports the current file as deleted while it rotates (the health watch relies on it)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'argus-wal-linked-'));
    try {
      const w = new WalWriter(d, pino({ level: 'silent' }), 0);
      await w.open(1);
      const seen: boolean[] = [];
      for (let round = 0; round < 20; round++) {
        await w.append(Buffer.from(`{"n":${round}}\n`), () => undefined);
        let done = false;
        const rotated = w.rotate().then(() => (done = true));
        // poll while the old file is closed and the next one opened
        for (let i = 0; i < 200 && !done; i++) seen.push(await w.linked());
        await rotated;
        // a flush deletes the files it covered: the current one stays linked
        for (const f of readdirSync(d)) if (f !== readdirSync(d).sort().at(-1)) rmSync(join(d, f));
        seen.push(await w.linked());
      }
      await w.close();
      expect(seen.length).toBeGreaterThan(20);
      expect(seen.filter((x) => !x)).toEqual([]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
