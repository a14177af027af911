/**
 * Quarantine for WAL lines the tail (or a flush) cannot load: they are written aside, durably,
 * to `<data>/quarantine/wal/` with their WAL position and the reason, counted and logged, so one
 * bad event never blocks the events behind it and is never silently lost.
 *
 * Per frame: `wal-<file>-<offset>.ndjson` (the bad lines, byte for byte) and
 * `wal-<file>-<offset>.json` ({ walFile, frameOffset, lines: [{ line, bytes, reason }], at }).
 * The names are deterministic, so replaying the same frame after a restart rewrites the same files.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { fsyncDir } from './fsutil.ts';
import { walFileName } from './wal-format.ts';

export interface BadLine {
  /** 0-based line of the frame's NDJSON payload (-1 when not known, e.g. a row of a flush) */
  line: number;
  text: Buffer;
  reason: string;
}

export interface QuarantineCounters {
  /** frames (or flush groups) with at least one quarantined line, since start */
  batches: number;
  /** lines quarantined since start */
  events: number;
  /** lines not written aside because the quarantine budget was spent (still counted in events) */
  dropped: number;
}

/** bytes the quarantine writes at most per process run (beyond: counted, logged, not written) */
const MAX_QUARANTINE_BYTES = 1024 * 1024 * 1024;
const MAX_REASON = 2000;

/** The first words of an error message (e.g. "Invalid Input Error"): never a payload in logs. */
export function errorKind(reason: string): string {
  const m = /^([A-Za-z ]{1,40}?(?:Error|Exception))\b/.exec(reason);
  return m ? m[1]! : 'Error';
}

export class WalQuarantine {
  readonly counters: QuarantineCounters = { batches: 0, events: 0, dropped: 0 };
  private written = 0;
  private dirMade = false;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  /**
   * Writes `lines` of the frame at (`walNo`, `offset`) aside and fsyncs them; throws only when the
   * files cannot be written (the caller then keeps the lines as a failed load: never lost).
   * `name` overrides the file name stem (flush groups have no single frame).
   */
  async put(walNo: number, offset: number, lines: BadLine[], name?: string): Promise<void> {
    if (lines.length === 0) return;
    const stem = name ?? `${walFileName(walNo).replace(/\.log$/, '')}-${offset}`;
    const bytes = lines.reduce((n, l) => n + l.text.length + 1, 0);
    const reasons = lines.map((l) => ({ line: l.line, bytes: l.text.length, reason: l.reason.slice(0, MAX_REASON) }));
    const position = { walFile: walFileName(walNo), frameOffset: offset };
    if (this.written + bytes > MAX_QUARANTINE_BYTES) {
      this.counters.batches++;
      this.counters.events += lines.length;
      this.counters.dropped += lines.length;
      this.log.error({ ...position, lines: lines.length, kind: errorKind(lines[0]!.reason) }, 'Events the tail could not load were dropped: the quarantine budget is spent');
      return;
    }
    if (!this.dirMade) {
      await mkdir(this.dir, { recursive: true });
      await fsyncDir(dirname(dirname(this.dir)));
      await fsyncDir(dirname(this.dir));
      this.dirMade = true;
    }
    const data = Buffer.concat(lines.flatMap((l) => (l.text.at(-1) === 0x0a ? [l.text] : [l.text, Buffer.from('\n')])));
    await writeDurably(join(this.dir, `${stem}.ndjson`), data);
    const meta = { ...position, lines: reasons, at: new Date().toISOString() };
    await writeDurably(join(this.dir, `${stem}.json`), Buffer.from(JSON.stringify(meta) + '\n'));
    await fsyncDir(this.dir);
    this.written += bytes;
    this.counters.batches++;
    this.counters.events += lines.length;
    this.log.error(
      { ...position, lines: lines.map((l) => l.line), kind: errorKind(lines[0]!.reason), file: join(this.dir, `${stem}.ndjson`) },
      'Quarantined events that could not be loaded; their neighbours were stored',
    );
  }
}

async function writeDurably(path: string, data: Buffer): Promise<void> {
  const fh = await open(path, 'w');
  try {
    for (let off = 0; off < data.length; ) off += (await fh.write(data, off, data.length - off)).bytesWritten;
    await fh.sync();
  } finally {
    await fh.close();
  }
}
