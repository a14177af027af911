/**
 * Writes detection's alerts back through the pipeline, in order, with retries: a retryable store
 * error (OVERLOADED, STORE_IO, an I/O errno) is tried again with exponential backoff, up to
 * `attempts` tries; only then is the batch dropped, with an error log. Every failed attempt is
 * counted (`argus_alert_write_failures_total{outcome="retried"|"dropped"}`). Writes are serialized:
 * a batch starts only after the one before it is stored or given up, so alerts keep their order.
 * Once stopping, no more backoff waits: a wait in progress ends, one last try is made, then the batch
 * is given up.
 */
import type { Logger } from 'pino';
import { isArgusError } from '../core/index.ts';
import type { LogEventInput } from '../core/index.ts';
import type { PipelineMetrics } from './metrics.ts';

export interface AlertWriterOptions {
  /** stores a batch (the pipeline's ingest with the detection origin) */
  write(events: LogEventInput[]): Promise<{ rejected: readonly unknown[] }>;
  metrics: PipelineMetrics;
  logger: Logger;
  /** tries per batch, the first included */
  attempts: number;
  /** first backoff; doubled after each failure */
  baseDelayMs: number;
  /** longest single backoff */
  maxDelayMs: number;
  /** test hook */
  sleep?(ms: number): Promise<void>;
}

/** A store error worth another try (the store is busy or its disk hiccupped), not bad input or a closed store. */
export function isRetryable(e: unknown): boolean {
  if (isArgusError(e)) return e.code === 'OVERLOADED' || e.code === 'STORE_IO';
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

export class AlertWriter {
  private chain: Promise<void> = Promise.resolve();
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly log: Logger;

  constructor(private readonly o: AlertWriterOptions) {
    this.log = o.logger.child({ component: 'alert-writer' });
  }

  /** Resolves once the batch is stored or given up (never rejects). */
  write(events: LogEventInput[]): Promise<void> {
    if (events.length === 0) return this.chain;
    const next = this.chain.then(() => this.attempt(events));
    this.chain = next;
    return next;
  }

  private async attempt(events: LogEventInput[]): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        const r = await this.o.write(events);
        if (r.rejected.length > 0) {
          // refused as bad input: another try would be refused again
          this.o.metrics.alertWriteFailures.inc({ outcome: 'dropped' }, 1);
          this.log.error({ alerts: r.rejected.length }, 'Alerts were refused by the store and are lost');
        }
        return;
      } catch (e) {
        const last = i >= this.o.attempts || this.stopping || !isRetryable(e);
        this.o.metrics.alertWriteFailures.inc({ outcome: last ? 'dropped' : 'retried' });
        const err = (e as Error)?.message ?? String(e);
        if (last) {
          this.log.error({ err, alerts: events.length, attempts: i }, 'Storing alerts failed; they are lost');
          return;
        }
        this.log.warn({ err, alerts: events.length, attempt: i }, 'Storing alerts failed; retrying');
        await this.backoff(Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (i - 1)));
      }
    }
  }

  private backoff(ms: number): Promise<void> {
    if (this.o.sleep) return this.o.sleep(ms);
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = undefined));
  }

  /** Waits for every write handed over so far. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** No more backoff waits (a wait in progress ends now, for one last try); resolves when the writes are done. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.chain;
  }
}
