/**
 * Retention and compaction: both change the live segment set through the manifest first
 * (fsynced), then publish, then delete retired files once no running query can still read them.
 */
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { newId } from '../../core/index.ts';
import type { CompactionReport, RetentionReport, SegmentInfo } from '../types.ts';
import { literal } from './columns.ts';
import type { StoreContext } from './context.ts';
import { fsyncDir } from './fsutil.ts';
import { quarantineSegment } from './quarantine.ts';
import { findDamaged } from './segment-probe.ts';
import type { ManifestEntry } from './manifest.ts';
import { planCompaction, planRetention } from './retention.ts';
import { segmentRelPath, writeSegment } from './segment-writer.ts';
import { SEGMENT_COLUMNS, segmentScan, STORED_SELECT } from './stored-columns.ts';

/** Deletes retired segment files and empty partition directories; never throws. */
async function deleteFiles(ctx: StoreContext, segs: readonly SegmentInfo[]): Promise<void> {
  const dirs = new Set<string>();
  for (const s of segs) {
    const file = join(ctx.dataDir, s.path);
    try {
      await rm(file, { force: true });
      dirs.add(dirname(file));
    } catch (err) {
      ctx.log.warn({ err, path: s.path }, 'Could not delete a retired segment file');
    }
  }
  // empty partition directories are left for the next start's sweep (a flush may be writing into them)
  for (const d of dirs) await fsyncDir(d).catch(() => undefined);
}

/** Publishes the new segment set; deletes retired files now, or once older queries finish. */
async function retire(ctx: StoreContext, removed: readonly SegmentInfo[], added: SegmentInfo[] = []): Promise<void> {
  const gone = new Set(removed.map((s) => s.id));
  const cur = ctx.snapshots.current;
  const next = [...cur.segments.filter((s) => !gone.has(s.id)), ...added];
  let now: Promise<void> | undefined;
  ctx.snapshots.publish(next, cur.flushedWal, () => {
    now = deleteFiles(ctx, removed);
  });
  await now;
}

/**
 * Quarantine records whose data retention would have deleted by now are forgotten: queries over
 * that range no longer report it missing. That is a record past the age limits, or of a source
 * of which retention now drops a segment at least as new. Their files under quarantine/ stay.
 */
async function forgetQuarantined(ctx: StoreContext, now: number, dropped: readonly SegmentInfo[]): Promise<void> {
  const records = ctx.snapshots.current.quarantined;
  if (records.length === 0) return;
  // as segments holding no live bytes, so only the age limits apply to them
  const old = new Set(planRetention(records.map((q) => ({ ...q, bytes: 0, sha256: '', createdAt: q.at })), ctx.config.retention, now).map((q) => q.id));
  const newestDropped = new Map<string, number>();
  for (const s of dropped) newestDropped.set(s.source, Math.max(newestDropped.get(s.source) ?? -Infinity, s.maxTs));
  for (const q of records) if (q.maxTs <= (newestDropped.get(q.source) ?? -Infinity)) old.add(q.id);
  if (old.size === 0) return;
  await ctx.manifest.append([...old].map((id) => ({ op: 'remove', id, reason: 'retention', at: now }) as ManifestEntry));
  ctx.snapshots.forgetQuarantined(old);
  ctx.log.info({ segments: old.size }, 'Retention passed quarantined segments; their ranges are no longer reported missing');
}

export async function applyRetention(ctx: StoreContext, now: number): Promise<RetentionReport> {
  const drop = planRetention(ctx.snapshots.current.segments, ctx.config.retention, now);
  await forgetQuarantined(ctx, now, drop);
  const report: RetentionReport = { deletedSegments: drop.length, deletedRows: 0, deletedBytes: 0 };
  if (drop.length === 0) return report;
  await ctx.manifest.append(drop.map((s) => ({ op: 'remove', id: s.id, reason: 'retention', at: now }) as ManifestEntry));
  for (const s of drop) {
    report.deletedRows += s.rows;
    report.deletedBytes += s.bytes;
  }
  await retire(ctx, drop);
  ctx.log.info(report, 'Retention removed segments');
  return report;
}


export async function compact(ctx: StoreContext): Promise<CompactionReport> {
  const groups = planCompaction(ctx.snapshots.current.segments, ctx.config.compactBelowRows);
  const report: CompactionReport = { merged: 0, created: 0 };
  if (groups.length === 0) return report;
  const con = await ctx.tail.connect();
  try {
    for (const g of groups) {
      const first = g[0]!;
      const id = newId();
      const path = segmentRelPath(first.source, first.partition, id);
      const files = g.map((s) => literal(join(ctx.dataDir, s.path))).join(', ');
      const select =
        `SELECT ${STORED_SELECT} FROM (SELECT ${SEGMENT_COLUMNS} FROM ${segmentScan(files)}) ` +
        `ORDER BY "ts", "id"`;
      let written: { bytes: number; sha256: string };
      try {
        written = await writeSegment(con, select, [], ctx.dataDir, path);
      } catch (err) {
        ctx.log.error({ err, partition: first.partition, source: first.source }, 'Compaction of a partition failed');
        // a damaged input leaves the live set, so the next run merges the rest instead of failing again
        for (const d of await findDamaged(con, ctx.dataDir, g, err)) await quarantineSegment(ctx, d.seg, d.reason);
        continue;
      }
      const seg: SegmentInfo = {
        id, path, source: first.source, partition: first.partition,
        minTs: Math.min(...g.map((s) => s.minTs)), maxTs: Math.max(...g.map((s) => s.maxTs)),
        rows: g.reduce((n, s) => n + s.rows, 0), ...written, createdAt: Date.now(),
      };
      const at = Date.now();
      await ctx.manifest.append([
        { op: 'add', ...seg, replaces: g.map((s) => s.id) },
        ...g.map((s) => ({ op: 'remove', id: s.id, reason: 'compaction', at }) as ManifestEntry),
      ]);
      await retire(ctx, g, [seg]);
      report.merged += g.length;
      report.created++;
    }
  } finally {
    con.closeSync();
  }
  ctx.log.info(report, 'Compaction merged segments');
  return report;
}
