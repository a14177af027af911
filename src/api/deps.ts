import type { Logger } from 'pino';
import type { HttpConfig, IngestOrigin, IngestRejection, LogEvent, LogEventInput, PushReceiver, TailConfig } from '../core/index.ts';
import type { DetectionStats } from '../detect/service/index.ts';
import type { AppendResult, Store } from '../store/index.ts';
import type { Metrics } from './metrics.ts';
import type { QueryGate } from './query-gate.ts';

/**
 * What ingest did with a batch: the store's answer, with every event it did not store (the origin
 * may not write it, or the store refused it) at its position in the batch handed to ingest.
 */
export interface IngestResult extends Omit<AppendResult, 'rejected'> {
  rejected: IngestRejection[];
}

/** What the HTTP layer needs; app.ts builds it. */
export interface ApiDeps {
  store: Store;
  /** every store query from HTTP goes through it (deadline, concurrency, byte cap, cancellation) */
  queries: QueryGate;
  metrics: Metrics;
  logger: Logger;
  /**
   * the pipeline's ingest: apply the origin's ownership (core/provenance.ts), finalize, make
   * durable, fan out to detection and the live tail; resolves after the batch is durable
   */
  ingest(events: LogEventInput[], origin: IngestOrigin): Promise<IngestResult>;
  /** the push receivers to serve (built from the registry), mounted by receivers/mount.ts */
  receivers: readonly PushReceiver[];
  /** default body limit of every route (a receiver may declare its own) */
  bodyLimit: number;
  /** nesting cap of one ingested event (config `limits.maxDepth`; default DEFAULT_MAX_DEPTH) */
  maxDepth?: number;
  /** timeouts and the connection cap (connection-limit.ts) */
  http: HttpConfig;
  /** live-tail limits (tail-hub.ts) */
  tail: TailConfig;
  /**
   * connects a consumer of durable batches (the live tail) to the pipeline, bounded and counted
   * per consumer name; returns its removal
   */
  subscribe(name: string, onBatch: (events: LogEvent[]) => void): () => void;
  /** PEM material for HTTPS (and mTLS when ca is set) */
  tls?: { key: Buffer; cert: Buffer; ca?: Buffer };
  /** detection, when running: hot reload and stats */
  detection?: { reload(): { rules: number }; stats(): DetectionStats };
  /** true once the store has replayed its WAL (ingest is acknowledged from then on) */
  isReady(): boolean;
  /** extra detail for the /readyz body (e.g. detection still catching up after a restart) */
  readiness?(): Record<string, unknown>;
}
