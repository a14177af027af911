/**
 * Watches, every few seconds, what a running store needs to write and cannot see from its own
 * calls: its data-dir lock (still its own file: not removed, not taken over), the WAL directory,
 * and the open WAL file (still linked). The first problem found stays (the store refuses writes
 * until restarted); `problem` is a field, so `Store.health()` (and /readyz) costs no I/O.
 */
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../core/index.ts';
import type { DataDirLock } from './data-dir-lock.ts';
import type { WalWriter } from './wal-writer.ts';

export interface StoreProblem {
  code: ErrorCode;
  /** one sentence: what happened and that writes are refused */
  reason: string;
}

export class HealthWatch {
  problem: StoreProblem | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly lock: DataDirLock,
    private readonly walDir: string,
    private readonly wal: WalWriter,
    private readonly log: Logger,
  ) {}

  /** Checks every `intervalMs` (0 = only when `check` is called). */
  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round (a round already running is joined, not doubled). */
  check(): Promise<void> {
    this.checking ??= this.round().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async round(): Promise<void> {
    if (this.problem) return;
    const lost = await this.lock.verify();
    let found: StoreProblem | undefined;
    if (lost) found = { code: 'DATA_DIR_LOCKED', reason: `The store lost its data-dir lock (${lost}); it refuses writes until restarted` };
    else if (!(await stat(this.walDir).then((s) => s.isDirectory(), () => false)))
      found = { code: 'STORE_IO', reason: `The WAL directory ${this.walDir} is gone; the store refuses writes until restarted` };
    else if (!(await this.wal.linked()))
      found = { code: 'STORE_IO', reason: 'The open WAL file was deleted; the store refuses writes until restarted' };
    if (found && !this.problem) {
      this.problem = found;
      this.log.error({ code: found.code, dir: this.lock.dir }, found.reason);
    }
  }
}
