/**
 * The WAL writer with group commit: appends that arrive while a write+fdatasync is in flight
 * (or within `commitDelayMs` of an idle writer) are written together and share one fdatasync.
 * A waiter's `onDurable` runs synchronously right after that fdatasync, in append order, before
 * any later rotation, so callers can enqueue follow-up work in WAL order.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ArgusError } from '../../core/index.ts';
import { frameHeader, walFileName } from './wal-format.ts';
import { fsyncDir } from './fsutil.ts';

interface Waiter {
  header: Buffer;
  payload: Buffer;
  onDurable: (walNo: number, offset: number) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface WalWriterStats {
  fsyncs: number;
  frames: number;
  bytes: number;
  currentFile: number;
  currentBytes: number;
}

export class WalWriter {
  private fh: FileHandle | undefined;
  private fileNo = 0;
  private fileBytes = 0;
  private pending: Waiter[] = [];
  /** between closing the old file and opening the next one */
  private rotating = false;
  private rotateWaiters: { resolve: (n: number) => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private scheduled = false;
  private broken: Error | undefined;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  readonly counters = { fsyncs: 0, frames: 0, bytes: 0 };

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly commitDelayMs: number,
  ) {}

  /** Opens a fresh file with number `n` (must be above every existing file's number). */
  async open(n: number): Promise<void> {
    this.fh = await open(join(this.dir, walFileName(n)), 'wx');
    await fsyncDir(this.dir);
    this.fileNo = n;
    this.fileBytes = 0;
  }

  /** the write or fsync error that broke the WAL (appends are refused since), if any */
  failure(): Error | undefined {
    return this.broken;
  }

  /** Whether the open WAL file still has a name (deleting it, or the WAL directory, loses appends). One fstat. */
  async linked(): Promise<boolean> {
    const fh = this.fh;
    if (!fh || this.rotating) return true;
    try {
      const nlink = (await fh.stat()).nlink;
      // a file rotated out meanwhile may already be deleted by a flush: only the current one counts
      return nlink > 0 || this.fh !== fh;
    } catch {
      return this.fh !== fh || this.rotating;
    }
  }

  stats(): WalWriterStats {
    return { ...this.counters, currentFile: this.fileNo, currentBytes: this.fileBytes };
  }

  /**
   * Appends one frame; resolves with `onDurable`'s result once the frame is fsynced. `onDurable`
   * gets the frame's position: WAL file number and the byte offset of its header in that file.
   */
  append<T>(payload: Buffer, onDurable: (walNo: number, offset: number) => T): Promise<T> {
    if (this.broken) return Promise.reject(this.ioError(this.broken));
    if (!this.fh) return Promise.reject(new ArgusError('STORE_CLOSED', 'The WAL is not open'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ header: frameHeader(payload), payload, onDurable, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Switches to a new file at the next group boundary; resolves with the closed file's number once
   * every frame in it (and in older files) has had its `onDurable` run.
   */
  rotate(): Promise<number> {
    if (this.broken) return Promise.reject(this.ioError(this.broken));
    if (!this.fh) return Promise.reject(new ArgusError('STORE_CLOSED', 'The WAL is not open'));
    return new Promise<number>((resolve, reject) => {
      this.rotateWaiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Waits for queued frames, then closes the file. Safe twice. */
  async close(): Promise<void> {
    while (this.running || this.scheduled || this.pending.length > 0) await this.idle;
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    this.idle = new Promise((r) => (this.markIdle = r));
    const go = (): void => {
      this.scheduled = false;
      void this.loop();
    };
    if (this.commitDelayMs > 0 && this.rotateWaiters.length === 0) setTimeout(go, this.commitDelayMs);
    else setImmediate(go);
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length > 0 || this.rotateWaiters.length > 0) {
        if (this.pending.length > 0) await this.commitGroup();
        else await this.doRotate();
      }
    } finally {
      this.running = false;
      this.markIdle();
    }
  }

  private async commitGroup(): Promise<void> {
    const group = this.pending;
    this.pending = [];
    const start = this.fileBytes;
    try {
      if (this.broken) throw this.broken;
      const parts = group.flatMap((w) => [w.header, w.payload]);
      const total = parts.reduce((n, b) => n + b.length, 0);
      const written = (await this.fh!.writev(parts)).bytesWritten;
      if (written < total) {
        // short writev: write the rest from one buffer
        const rest = Buffer.concat(parts).subarray(written);
        let off = 0;
        while (off < rest.length) off += (await this.fh!.write(rest, off, rest.length - off)).bytesWritten;
      }
      await this.fh!.datasync();
      this.counters.fsyncs++;
      this.counters.frames += group.length;
      this.counters.bytes += total;
      this.fileBytes += total;
    } catch (e) {
      this.broken ??= e as Error;
      this.log.error({ err: e }, 'WAL write failed; the store refuses further appends');
      for (const w of group) w.reject(this.ioError(e));
      return;
    }
    let offset = start;
    for (const w of group) {
      try {
        w.resolve(w.onDurable(this.fileNo, offset));
      } catch (e) {
        w.reject(e);
      }
      offset += w.header.length + w.payload.length;
    }
    if (this.rotateWaiters.length > 0) await this.doRotate();
  }

  private async doRotate(): Promise<void> {
    const waiters = this.rotateWaiters;
    this.rotateWaiters = [];
    const closed = this.fileNo;
    try {
      // `linked()` must not judge the handle being closed while rotating
      this.rotating = true;
      await this.fh!.close();
      await this.open(closed + 1);
      this.rotating = false;
      for (const w of waiters) w.resolve(closed);
    } catch (e) {
      this.rotating = false;
      this.broken ??= e as Error;
      for (const w of waiters) w.reject(this.ioError(e));
    }
  }

  private ioError(e: unknown): ArgusError {
    return new ArgusError('STORE_IO', 'WAL write failed', undefined, { cause: e });
  }
}
