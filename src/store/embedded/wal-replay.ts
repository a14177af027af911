/**
 * WAL recovery: lists the WAL files, drops those a manifest checkpoint already covers, and reads
 * the rest. A torn/corrupt tail of the last file is cut (file truncated to the last good frame).
 */
import { readdir, readFile, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { scanWal } from './wal-reader.ts';
import { walFileName, walFileNumber } from './wal-format.ts';
import { fsyncDir, fsyncFile } from './fsutil.ts';

export interface WalBatch {
  walNo: number;
  /** byte offset of the frame in its file */
  offset: number;
  payload: Buffer;
}

export interface WalReplay {
  batches: WalBatch[];
  /** highest file number seen (0 when none) */
  maxFile: number;
  tornFrames: number;
  tornBytes: number;
  corruptFrames: number;
  corruptBytes: number;
}

export async function listWalFiles(dir: string): Promise<number[]> {
  const nums: number[] = [];
  for (const name of await readdir(dir)) {
    const n = walFileNumber(name);
    if (n !== undefined) nums.push(n);
  }
  return nums.sort((a, b) => a - b);
}

/** Deletes WAL files numbered <= upTo. */
export async function deleteWalUpTo(dir: string, upTo: number): Promise<number> {
  let deleted = 0;
  for (const n of await listWalFiles(dir)) {
    if (n > upTo) break;
    await unlink(join(dir, walFileName(n)));
    deleted++;
  }
  if (deleted > 0) await fsyncDir(dir);
  return deleted;
}

export async function replayWal(dir: string, checkpoint: number, log: Logger): Promise<WalReplay> {
  const files = await listWalFiles(dir);
  const r: WalReplay = { batches: [], maxFile: files.at(-1) ?? 0, tornFrames: 0, tornBytes: 0, corruptFrames: 0, corruptBytes: 0 };
  await deleteWalUpTo(dir, checkpoint);
  const live = files.filter((n) => n > checkpoint);
  for (const [i, n] of live.entries()) {
    const path = join(dir, walFileName(n));
    const buf = await readFile(path);
    const scan = scanWal(buf);
    for (const [j, payload] of scan.payloads.entries()) r.batches.push({ walNo: n, offset: scan.offsets[j]!, payload });
    if (scan.corruptFrames > 0) {
      r.corruptFrames += scan.corruptFrames;
      r.corruptBytes += scan.corruptBytes;
      log.warn({ file: walFileName(n), regions: scan.corruptFrames, bytes: scan.corruptBytes }, 'Skipped corrupt WAL frames');
    }
    if (scan.tornFrames === 0) continue;
    const last = i === live.length - 1;
    // only the newest file can legitimately end in a torn write; an older one ending badly is corruption
    if (last) {
      r.tornFrames += scan.tornFrames;
      r.tornBytes += scan.tornBytes;
    } else {
      r.corruptFrames += scan.tornFrames;
      r.corruptBytes += scan.tornBytes;
    }
    log.warn(
      { file: walFileName(n), bytes: scan.tornBytes, offset: scan.goodEnd, last },
      last ? 'Cut a torn WAL tail' : 'Cut a corrupt WAL file end',
    );
    await truncate(path, scan.goodEnd);
    await fsyncFile(path);
  }
  return r;
}
