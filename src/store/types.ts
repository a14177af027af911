/**
 * The Store seam. The embedded store (WAL + DuckDB tail + Parquet segments) implements it today;
 * a ClickHouse store must be able to implement it unchanged, so nothing here assumes one
 * process owns the data (no in-process handles leak through this interface). The Store only stores:
 * it has no listeners; what runs on the stream is fed by the pipeline (src/pipeline), after append.
 */
import type { z } from 'zod';
import type { ComponentFactory, LogEvent, QueryPlan } from '../core/index.ts';

export interface AppendResult {
  /** events newly stored (durable when append resolves) */
  accepted: number;
  /** events skipped because their dedupKey was already stored */
  duplicates: number;
  /** the stored events, in input order (duplicates excluded) */
  stored: LogEvent[];
  /**
   * events the store refused (cannot be canonicalized or encoded), by their index in the appended
   * array; the rest of the batch is stored. Absent when none.
   */
  rejected?: { index: number; field?: string; message: string }[];
}

export interface StoreQuery {
  plan: QueryPlan;
  /** inclusive lower bound on ts (ms) */
  from?: number;
  /** exclusive upper bound on ts (ms) */
  to?: number;
  /** max rows returned (events or table rows) */
  limit: number;
  /**
   * Aborting it stops the query: the backend interrupts its engine, frees what the query holds
   * and rejects with `signal.reason` when that is an ArgusError (a deadline's QUERY_TIMEOUT),
   * else with QUERY_CANCELLED. A deadline is `AbortSignal.timeout`-like: any backend honours both.
   */
  signal?: AbortSignal;
  /**
   * Largest answer in bytes (the UTF-8 JSON of its events or rows): rows are returned in order
   * while they fit, the rest are left out and the result says `truncated` (absent = no cap).
   */
  maxBytes?: number;
}

export interface QueryStats {
  elapsedMs: number;
  segmentsScanned: number;
  segmentsPruned: number;
  tailRows: number;
  /**
   * up to this many acknowledged events were still being loaded when the query ran and may be
   * missing from its answer (only when ingest saturates the store: a query waits for them at
   * most ~1 s); absent = none
   */
  pendingRows?: number;
  /** why the answer holds fewer rows than the query matched (with `truncated: true` on the result) */
  truncated?: { reason: 'maxBytes'; maxBytes: number };
  /**
   * true when data in the query's range could not be read (a damaged or missing segment was
   * quarantined): the answer holds everything else; `missing` says what is absent. Absent = complete.
   */
  partial?: boolean;
  /** the quarantined segments overlapping the query (source, ts range, rows), newest first, at most 100 */
  missing?: MissingRange[];
}

/** Data a query could not read: one quarantined segment. */
export interface MissingRange {
  source: string;
  /** inclusive ts range (ms) the segment covered */
  minTs: number;
  maxTs: number;
  rows: number;
}

export type QueryResult =
  | { kind: 'events'; events: LogEvent[]; truncated?: true; stats: QueryStats }
  | { kind: 'table'; columns: string[]; rows: unknown[][]; truncated?: true; stats: QueryStats };

export interface SegmentInfo {
  id: string;
  path: string;
  source: string;
  partition: string;
  minTs: number;
  maxTs: number;
  rows: number;
  bytes: number;
  sha256: string;
  createdAt: number;
}

/**
 * What every backend reports (never waits; /metrics reads these fields). Backend-specific figures go
 * in `extra` (exported as `argus_store_<snake_case name>` gauges), so a second backend needs no
 * change to this interface or to /metrics.
 */
export interface StoreStats {
  /** events the store holds, acknowledged ones not yet compacted into long-term storage included */
  rows: number;
  /** bytes the store holds on disk (or in its tables) */
  bytes: number;
  /** acknowledged (durable) events not yet queryable: the ingest lag */
  pendingRows: number;
  /** events skipped since start because their dedupKey was already stored */
  duplicatesSkipped: number;
  /** idempotency keys evicted before their window ended (the key limit was reached), since start */
  dedupEvicted: number;
  /** stored data taken out of the live set because it could not be read (queries over its range are partial) */
  quarantinedSegments: number;
  /** rows that data held */
  quarantinedRows: number;
  /** batches with events the store could not load, written aside, since start */
  quarantinedBatches: number;
  /** events quarantined since start (their neighbours were stored) */
  quarantinedEvents: number;
  /** of those, events not written aside because the quarantine's byte budget was spent (lost) */
  quarantineDroppedEvents?: number;
  /** long-term storage by source */
  bySource: Record<string, { rows: number; bytes: number }>;
  /** backend-specific figures by camelCase name (embedded: walBytes, segments, walTornFrames...) */
  extra: Record<string, number>;
}

export interface RetentionReport {
  deletedSegments: number;
  deletedRows: number;
  deletedBytes: number;
}

export interface CompactionReport {
  merged: number;
  created: number;
}

/** Whether the store can take writes now (`Store.health`). */
export interface StoreHealth {
  writable: boolean;
  /** why not, one sentence (absent when writable) */
  reason?: string;
}

export interface Store {
  /** open files, replay the WAL; safe to call once */
  start(): Promise<void>;
  /**
   * Whether an append can succeed now, and why not (stopped, lost its claim on the data, last
   * durable write failed). Cheap and synchronous: /readyz calls it on every probe, so a backend
   * keeps it as state updated by its own periodic checks, never I/O per call.
   */
  health(): StoreHealth;
  /**
   * Make a batch durable (fsynced WAL); resolves only then. Every later `query` sees it
   * (read-your-writes), even if the store makes it queryable in the background.
   */
  append(events: LogEvent[]): Promise<AppendResult>;
  query(q: StoreQuery): Promise<QueryResult>;
  /** resolves once every event acknowledged before the call is queryable (benches, tests) */
  settled(): Promise<void>;
  stats(): Promise<StoreStats>;
  /** write the tail into segments now */
  flush(): Promise<void>;
  applyRetention(now?: number): Promise<RetentionReport>;
  compact(): Promise<CompactionReport>;
  /** flush-free close: the WAL already holds everything; safe twice and without start */
  stop(): Promise<void>;
}

/**
 * A store backend (`store: { type: <type>, ... }` in the server config; listed in src/registry.ts).
 * `create` only builds: files, connections and threads are taken in `start`.
 */
export type StoreFactory<S extends z.ZodTypeAny = z.ZodTypeAny> = ComponentFactory<'store', S, Store>;
