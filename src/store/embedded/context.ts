/** The parts of an embedded store that its flush, maintenance and recovery steps share. */
import type { Logger } from 'pino';
import type { EmbeddedStoreConfig as StoreConfig } from './config.ts';
import type { DedupIndex } from './dedup.ts';
import type { Manifest } from './manifest.ts';
import type { Snapshots } from './snapshots.ts';
import type { Tail } from './tail.ts';
import type { WalQuarantine } from './wal-quarantine.ts';
import type { WalWriter } from './wal-writer.ts';

export interface Counters {
  walTornFrames: number;
  walTornBytes: number;
  walCorruptFrames: number;
  walCorruptBytes: number;
  duplicatesSkipped: number;
  flushes: number;
  flushErrors: number;
  replayedEvents: number;
  replayErrors: number;
}

export interface StoreContext {
  dataDir: string;
  walDir: string;
  tmpDir: string;
  config: StoreConfig;
  log: Logger;
  tail: Tail;
  wal: WalWriter;
  manifest: Manifest;
  /** WAL lines the tail or a flush could not load, written aside (`<data>/quarantine/wal/`) */
  walQuarantine: WalQuarantine;
  snapshots: Snapshots;
  dedup: DedupIndex;
  counters: Counters;
  /** WAL files older than the current one may exist (set by recovery, cleared by a flush) */
  oldWalFiles: boolean;
}

/** Runs async sections one at a time. */
export class Mutex {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.last.then(fn, fn);
    this.last = next.catch(() => undefined);
    return next;
  }

  /** Resolves when everything queued so far has settled. */
  idle(): Promise<void> {
    return this.last.then(() => undefined);
  }
}
