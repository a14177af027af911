/**
 * Finds which segment files of a failed read are damaged. DuckDB usually names the file in its
 * error ("Failed to read file ...", "No magic bytes found at end of file ..."), but not always
 * (a corrupt footer can fail with "Variable-length int over 10 bytes"), so: the files the error
 * names are checked first; then every candidate cheaply (exists, footer and schema readable);
 * then, bounded, a full decode of candidates one by one. A file is only reported when reading it
 * alone fails, so a transient error never takes a good segment out of the live set.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SegmentInfo } from '../types.ts';
import { literal } from './columns.ts';
import { isNotFound } from './fsutil.ts';
import { firstLine } from './quarantine.ts';

/** candidates checked cheaply (stat + footer) per failed read */
export const CHEAP_PROBES = 2000;
/** candidates fully decoded per failed read when no cheap check failed */
export const FULL_PROBES = 32;

export interface Damaged {
  seg: SegmentInfo;
  reason: string;
}

/** Why `file` cannot be opened (missing, footer or schema unreadable), or undefined. */
async function cheapProbe(con: DuckDBConnection, file: string): Promise<string | undefined> {
  try {
    await stat(file);
  } catch (e) {
    return isNotFound(e) ? 'The segment file is missing' : `The segment file cannot be read: ${firstLine(e)}`;
  }
  try {
    await con.runAndReadAll(`SELECT * FROM read_parquet(${literal(file)}, hive_partitioning = false) LIMIT 0`);
    return undefined;
  } catch (e) {
    return firstLine(e);
  }
}

/** Why decoding every page of `file` fails, or undefined. */
async function fullProbe(con: DuckDBConnection, file: string): Promise<string | undefined> {
  const cheap = await cheapProbe(con, file);
  if (cheap !== undefined) return cheap;
  try {
    // one aggregate per column: every page of every column is decompressed and decoded
    await con.runAndReadAll(`SELECT max(hash(COLUMNS(*))) FROM read_parquet(${literal(file)}, hive_partitioning = false)`);
    return undefined;
  } catch (e) {
    return firstLine(e);
  }
}

/** The damaged segments among `candidates` for the read that failed with `err` (empty: none found). */
export async function findDamaged(con: DuckDBConnection, dataDir: string, candidates: readonly SegmentInfo[], err: unknown): Promise<Damaged[]> {
  const msg = firstLine(err);
  const file = (s: SegmentInfo): string => join(dataDir, s.path);
  const named = candidates.filter((s) => msg.includes(file(s)));
  const found: Damaged[] = [];
  for (const seg of named) {
    const reason = await fullProbe(con, file(seg));
    if (reason !== undefined) found.push({ seg, reason });
  }
  if (found.length > 0) return found;
  for (const seg of candidates.slice(0, CHEAP_PROBES)) {
    const reason = await cheapProbe(con, file(seg));
    if (reason !== undefined) found.push({ seg, reason });
  }
  if (found.length > 0) return found;
  for (const seg of candidates.slice(0, FULL_PROBES)) {
    const reason = await fullProbe(con, file(seg));
    if (reason !== undefined) return [{ seg, reason }];
  }
  return [];
}
