/**
 * How columns are stored in segments vs. how they are read.
 *
 * `dedupKey` of audit events repeats `k8s_audit:<cluster>:<auditId>:<stage>`, all of which are
 * columns already; segments store the marker `~` instead (escaping real keys that start with `~`
 * as `~~...`), and every read of a segment decodes it back, so queries, compaction and the
 * dedup rebuild see the original key.
 */
import { EVENT_COLUMNS } from '../../core/index.ts';
import { ident, sqlType } from './columns.ts';

/** `"dedupKey"` of an audit event as its source derives it (NULL when a part is missing). */
const DERIVED_DEDUP = `('k8s_audit:' || coalesce("cluster", '') || ':' || "auditId" || ':' || "stage")`;

/** SQL turning a row's `dedupKey` into its stored form. */
export const ENCODE_DEDUP =
  `CASE WHEN "dedupKey" = ${DERIVED_DEDUP} THEN '~' ` +
  `WHEN starts_with("dedupKey", '~') THEN '~' || "dedupKey" ELSE "dedupKey" END`;

/** SQL turning a stored `dedupKey` back into the original key. */
export const DECODE_DEDUP =
  `CASE WHEN "dedupKey" = '~' THEN ${DERIVED_DEDUP} ` +
  `WHEN starts_with("dedupKey", '~') THEN substr("dedupKey", 2) ELSE "dedupKey" END`;

/** The event columns of a segment row as stored: dedupKey encoded. */
export const STORED_SELECT = EVENT_COLUMNS.map((c) => (c === 'dedupKey' ? `${ENCODE_DEDUP} AS "dedupKey"` : ident(c))).join(', ');

/** No rows, every event column typed: gives a union by name the columns an older segment lacks. */
const ALL_COLUMNS_NO_ROWS = `SELECT ${EVENT_COLUMNS.map((c) => `NULL::${sqlType(c)} AS ${ident(c)}`).join(', ')} WHERE FALSE`;

/**
 * A relation over segment files (`'a', 'b'` literals) that has every event column, even when no
 * file has it: segments written before a column existed (e.g. `ingest`) read it as NULL. DuckDB
 * drops the empty branch and still pushes projections and filters into the Parquet scan.
 * `options` is appended to read_parquet's (e.g. `, filename = true`).
 */
export function segmentScan(files: string, options = ''): string {
  return `(${ALL_COLUMNS_NO_ROWS} UNION ALL BY NAME SELECT * FROM read_parquet([${files}], hive_partitioning = false, union_by_name = true${options}))`;
}

/** The event columns read from a segment (types cast, dedupKey decoded). */
export const SEGMENT_COLUMNS = EVENT_COLUMNS.map((c) =>
  c === 'dedupKey' ? `CAST(${DECODE_DEDUP} AS VARCHAR) AS "dedupKey"` : `CAST(${ident(c)} AS ${sqlType(c)}) AS ${ident(c)}`,
).join(', ');

/**
 * rows per Parquet row group in segments. A late read decodes the whole row group of each result
 * row, so smaller groups make sparse searches cheaper and scans a little dearer. Measured on the
 * 10M-event bench store rewritten at 8k vs 16k: +0.9 % bytes; `namespace:payments AND NOT
 * user:system:* AND code>=400` p50 277 -> 209 ms, `subresource:exec` 130 -> 95 ms, field match
 * 130 -> 156 ms (4k cost +4 % bytes).
 */
export const SEGMENT_ROW_GROUP_ROWS = 8_192;

/** Parquet writer options of segments (measured at 1M events: see bench/store). */
export const SEGMENT_COPY_OPTIONS = `FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 9, ROW_GROUP_SIZE ${SEGMENT_ROW_GROUP_ROWS}`;
