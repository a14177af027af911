/**
 * Writes one immutable Parquet segment (zstd, small row groups, rows sorted by ts) from a SELECT:
 * COPY to a temp name, fsync, rename into `segments/source=<src>/day=<YYYY-MM-DD>/<ulid>.parquet`,
 * fsync the directories; then hash it for the manifest.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { literal } from './columns.ts';
import { durableRename, fsyncDir } from './fsutil.ts';
import { SEGMENT_COPY_OPTIONS } from './stored-columns.ts';

/** Source names become path segments: keep [A-Za-z0-9_.-], percent-encode the rest. */
export function encodeSource(source: string): string {
  const enc = source.replace(/[^A-Za-z0-9_-]|\./g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return enc === '' ? '%00' : enc;
}

/** The UTC day of `ts` (YYYY-MM-DD); total: a ts outside Date's range gets a name of its own, never a throw. */
export function utcDay(ts: number): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts < 0 ? 'before-271821' : 'after-275760';
  return d.toISOString().slice(0, 10);
}

export function segmentRelPath(source: string, day: string, id: string): string {
  return `segments/source=${encodeSource(source)}/day=${day}/${id}.parquet`;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Writes `SELECT ... ` (already ordered) to `dataDir/relPath` durably; returns size and hash. */
export async function writeSegment(
  con: DuckDBConnection,
  select: string,
  params: DuckDBValue[],
  dataDir: string,
  relPath: string,
): Promise<{ bytes: number; sha256: string }> {
  const final = join(dataDir, relPath);
  const dir = dirname(final);
  await mkdir(dir, { recursive: true });
  // make new partition directories durable (day dir, source dir, segments dir)
  await fsyncDir(dirname(dirname(dir)));
  await fsyncDir(dirname(dir));
  const tmp = `${final}.tmp`;
  try {
    await con.run(`COPY (${select}) TO ${literal(tmp)} (${SEGMENT_COPY_OPTIONS})`, params);
    await durableRename(tmp, final);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  const [st, sha256] = await Promise.all([stat(final), sha256File(final)]);
  return { bytes: st.size, sha256 };
}
