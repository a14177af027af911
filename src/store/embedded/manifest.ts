/**
 * `manifest.jsonl`: the append-only, fsynced record of which segments exist. One JSON line per
 * operation; unknown keys and unknown ops are ignored so later fields (prevHash, signatures) fit.
 *
 * - `add`: a segment. Adds written by a flush carry `flush` and only count once the matching
 *   `checkpoint` line (which also names the WAL files it covers) is present; a compaction add
 *   carries `replaces` and retires those segments in the same line.
 * - `remove`: a segment retired by retention or compaction.
 * - `checkpoint`: a flush is complete; WAL files numbered <= `wal` are no longer needed.
 * - `quarantine`: a segment that could not be read (damaged or missing file) left the live set;
 *   the line keeps what it held (source, ts range, rows) so queries over that range say they are
 *   partial, and names the file under `quarantine/` (if it could be moved) and the reason. A later
 *   `remove` (retention) forgets it.
 */
import { open, readFile, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { SegmentInfo } from '../types.ts';
import { fsyncDir, fsyncFile, isNotFound } from './fsutil.ts';

export interface AddEntry extends SegmentInfo {
  op: 'add';
  flush?: string;
  replaces?: string[];
}
export interface RemoveEntry {
  op: 'remove';
  id: string;
  reason: 'retention' | 'compaction';
  at: number;
}
export interface CheckpointEntry {
  op: 'checkpoint';
  flush: string;
  wal: number;
  at: number;
}
/** A segment taken out of the live set because it could not be read: what it held, and why. */
export interface QuarantinedSegment extends Pick<SegmentInfo, 'id' | 'path' | 'source' | 'partition' | 'minTs' | 'maxTs' | 'rows' | 'bytes'> {
  /** what failed (file missing, DuckDB's error) */
  reason: string;
  at: number;
  /** the file's place under `quarantine/` (relative to the data dir); absent when it was missing */
  movedTo?: string;
}
export interface QuarantineEntry extends QuarantinedSegment {
  op: 'quarantine';
}
export type ManifestEntry = AddEntry | RemoveEntry | CheckpointEntry | QuarantineEntry;

export interface ManifestState {
  live: Map<string, SegmentInfo>;
  /** highest WAL file number covered by a checkpoint (0 when none) */
  checkpointWal: number;
  /** segments of flushes that never reached their checkpoint (their files are garbage) */
  uncommitted: SegmentInfo[];
  /** segments quarantined and not yet forgotten by retention, by id */
  quarantined: Map<string, QuarantinedSegment>;
  tornLines: number;
  badLines: number;
}

function segmentOf(a: AddEntry): SegmentInfo {
  const { id, path, source, partition, minTs, maxTs, rows, bytes, sha256, createdAt } = a;
  return { id, path, source, partition, minTs, maxTs, rows, bytes, sha256, createdAt };
}

function isAdd(o: Record<string, unknown>): boolean {
  return o.op === 'add' && typeof o.id === 'string' && typeof o.path === 'string' && typeof o.minTs === 'number';
}

function isQuarantine(o: Record<string, unknown>): boolean {
  return typeof o.id === 'string' && typeof o.path === 'string' && typeof o.minTs === 'number' && typeof o.maxTs === 'number';
}

function quarantinedOf(q: QuarantineEntry): QuarantinedSegment {
  const { op: _op, ...rest } = q;
  return rest;
}

/** Builds the live segment set from manifest text (pure; used by load and by tests). */
export function replayManifest(entries: ManifestEntry[]): Omit<ManifestState, 'tornLines' | 'badLines'> {
  const committed = new Set<string>();
  let checkpointWal = 0;
  for (const e of entries) {
    if (e.op === 'checkpoint') {
      committed.add(e.flush);
      checkpointWal = Math.max(checkpointWal, e.wal);
    }
  }
  const live = new Map<string, SegmentInfo>();
  const uncommitted: SegmentInfo[] = [];
  const quarantined = new Map<string, QuarantinedSegment>();
  for (const e of entries) {
    if (e.op === 'add') {
      if (e.flush !== undefined && !committed.has(e.flush)) uncommitted.push(segmentOf(e));
      else live.set(e.id, segmentOf(e));
      for (const old of e.replaces ?? []) live.delete(old);
    } else if (e.op === 'remove') {
      live.delete(e.id);
      quarantined.delete(e.id);
    } else if (e.op === 'quarantine') {
      live.delete(e.id);
      quarantined.set(e.id, quarantinedOf(e));
    }
  }
  return { live, checkpointWal, uncommitted, quarantined };
}

export class Manifest {
  private fh: FileHandle | undefined;

  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {}

  /** Reads the manifest (cutting a torn last line) and opens it for appending. */
  async load(): Promise<ManifestState> {
    let text = '';
    let created = false;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if (!isNotFound(e)) throw e;
      created = true;
    }
    const entries: ManifestEntry[] = [];
    let tornLines = 0;
    let badLines = 0;
    let goodEnd = 0;
    let pos = 0;
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos);
      const line = text.slice(pos, nl < 0 ? text.length : nl);
      const isLast = nl < 0 || nl === text.length - 1;
      let parsed: Record<string, unknown> | undefined;
      try {
        const v = JSON.parse(line) as unknown;
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) parsed = v as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
      if (nl < 0 || (parsed === undefined && isLast)) {
        tornLines++;
        this.log.warn({ bytes: text.length - pos }, 'Ignored a torn last manifest line');
        break;
      }
      pos = nl + 1;
      goodEnd += Buffer.byteLength(line) + 1;
      if (parsed === undefined) {
        badLines++;
        this.log.warn({ line: entries.length + badLines }, 'Skipped an unreadable manifest line');
        continue;
      }
      if (parsed.op === 'add' && !isAdd(parsed)) continue;
      if (parsed.op === 'quarantine' && !isQuarantine(parsed)) continue;
      if (['add', 'remove', 'checkpoint', 'quarantine'].includes(String(parsed.op))) entries.push(parsed as unknown as ManifestEntry);
    }
    if (tornLines > 0) {
      await truncate(this.path, goodEnd);
      await fsyncFile(this.path);
    }
    this.fh = await open(this.path, 'a');
    if (created) await fsyncDir(dirname(this.path));
    return { ...replayManifest(entries), tornLines, badLines };
  }

  /** Appends entries as one write and fsyncs before resolving. */
  async append(entries: ManifestEntry[]): Promise<void> {
    if (!this.fh) throw new Error('manifest not open');
    if (entries.length === 0) return;
    await this.fh.write(entries.map((e) => JSON.stringify(e) + '\n').join(''));
    await this.fh.datasync();
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }
}
