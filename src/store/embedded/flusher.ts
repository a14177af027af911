/**
 * Flush: the tail rows of closed WAL files become Parquet segments, one per source + UTC day.
 * Order: rotate the WAL (cutoff = closed file N) -> wait for its rows to be loaded -> write
 * segments -> manifest adds + checkpoint(N), fsynced -> publish -> delete WAL files <= N ->
 * (once older queries finish) delete those rows from the tail. Rows of WAL files > N stay.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgusError, newId } from '../../core/index.ts';
import type { SegmentInfo } from '../types.ts';
import type { StoreContext } from './context.ts';
import type { AddEntry } from './manifest.ts';
import { DAY, writeGroup } from './flush-group.ts';
import { deleteWalUpTo } from './wal-replay.ts';

export async function flushTail(ctx: StoreContext): Promise<number> {
  const before = ctx.snapshots.current;
  const walNow = ctx.wal.stats();
  if (ctx.tail.rowsAbove(before.flushedWal) === 0 && walNow.currentBytes === 0 && !ctx.oldWalFiles) return 0;
  const cutoff = await ctx.wal.rotate();
  await ctx.tail.task(async () => undefined);
  if (ctx.tail.failedWal !== undefined && ctx.tail.failedWal <= cutoff) {
    // loads that failed for an I/O reason: try them again (the disk may be back)
    await ctx.tail.retryFailed();
    await ctx.tail.barrier();
  }
  if (ctx.tail.failedWal !== undefined && ctx.tail.failedWal <= cutoff) {
    // the WAL is the only copy of that batch: keep every WAL file until a restart replays it
    throw new ArgusError('STORE_IO', 'A WAL batch could not be loaded into the tail; flushing is paused until it loads (retried) or a restart replays it', {
      wal: ctx.tail.failedWal,
    });
  }
  const lo = Math.trunc(before.flushedWal);
  const range = `"_wal" > ${lo} AND "_wal" <= ${Math.trunc(cutoff)}`;
  const con = await ctx.tail.connect();
  const written: string[] = [];
  try {
    const groups = (
      await con.runAndReadAll(
        `SELECT "source", floor("ts" / ${DAY})::BIGINT AS d, count(*)::BIGINT AS n, min("ts") AS lo, max("ts") AS hi ` +
          `FROM tail WHERE ${range} GROUP BY ALL ORDER BY ALL`,
      )
    ).getRowsJS();
    const flush = newId();
    const now = Date.now();
    const adds: AddEntry[] = [];
    const w = { ctx, con, range, flush, now, written };
    for (const [source, d, n, minTs, maxTs] of groups) {
      adds.push(...(await writeGroup(w, { source: String(source), dayStart: Number(d) * DAY, rows: Number(n), minTs: Number(minTs), maxTs: Number(maxTs) })));
    }
    await ctx.manifest.append([...adds, { op: 'checkpoint', flush, wal: cutoff, at: now }]);
    written.length = 0;
    const added: SegmentInfo[] = adds.map(({ op: _op, flush: _f, replaces: _r, ...seg }) => seg);
    ctx.snapshots.publish([...ctx.snapshots.current.segments, ...added], cutoff, () => {
      ctx.tail.deleteUpTo(cutoff).catch((err: unknown) => ctx.log.error({ err }, 'Could not drop flushed rows from the tail'));
    });
    await deleteWalUpTo(ctx.walDir, cutoff);
    ctx.oldWalFiles = false;
    ctx.counters.flushes++;
    const rows = adds.reduce((s, a) => s + a.rows, 0);
    ctx.log.debug({ segments: adds.length, rows, wal: cutoff }, 'Flushed the tail');
    return adds.length;
  } finally {
    for (const p of written) await rm(join(ctx.dataDir, p), { force: true });
    con.closeSync();
  }
}
