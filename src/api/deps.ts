import type { Logger } from 'pino';
import type { LogEventInput } from '../core/index.ts';
import type { AppendResult, Store } from '../store/index.ts';
import type { Metrics } from './metrics.ts';

/** What the HTTP layer needs; app.ts builds it. */
export interface ApiDeps {
  store: Store;
  metrics: Metrics;
  logger: Logger;
  /** finalize + make durable + hand to detection; resolves after the batch is durable */
  ingest(events: LogEventInput[]): Promise<AppendResult>;
  bodyLimit: number;
  /** PEM material for HTTPS (and mTLS when ca is set) */
  tls?: { key: Buffer; cert: Buffer; ca?: Buffer };
  /** detection, when running: hot reload and stats */
  detection?: { reload(): { rules: number }; stats(): unknown };
  /** true once the store has replayed its WAL (ingest is acknowledged from then on) */
  isReady(): boolean;
  /** extra detail for the /readyz body (e.g. detection still catching up after a restart) */
  readiness?(): Record<string, unknown>;
}
