/**
 * Bounded fan-out of durable batches to the pipeline's consumers (detection, live tail, later
 * alerting). Each batch is handed to every consumer synchronously, in ingest order; a consumer may
 * return a promise, and until it settles the batch counts in that consumer's queue (events and
 * approximate bytes). A batch that would take a queue past its bound is not handed to that consumer:
 * it is dropped and counted for it alone. A consumer that throws or rejects is counted and
 * logged; ingest and the other consumers never wait for one, so a slow or failed consumer only
 * loses its own batches.
 */
import type { Logger } from 'pino';
import type { LogEvent } from '../core/index.ts';
import type { PipelineMetrics } from './metrics.ts';

export interface PipelineConsumer {
  /** the `consumer` label of its metrics */
  readonly name: string;
  /**
   * Takes one durable batch (called in ingest order, never concurrently with itself, and must not
   * do heavy work synchronously). A returned promise keeps the batch in the consumer's queue until it
   * settles: a consumer that works through batches in the background resolves it when done.
   */
  accept(events: LogEvent[]): void | Promise<unknown>;
  /** told how many events it did not get (its queue was full): it may warn, or count them in its stats */
  dropped?(events: number): void;
}

export interface QueueLimits {
  /** events handed to the consumer and not yet done */
  maxEvents: number;
  /** their approximate bytes (message + raw + a fixed overhead per event) */
  maxBytes: number;
}

export interface ConsumerStats {
  queuedEvents: number;
  queuedBytes: number;
  droppedEvents: number;
  errors: number;
}

/** a cheap size estimate: no serialization on the ingest path */
export function approxBytes(events: readonly LogEvent[]): number {
  let n = 0;
  for (const e of events) n += 256 + e.message.length + (e.raw?.length ?? 0);
  return n;
}

interface Slot {
  consumer: PipelineConsumer;
  limits: QueueLimits;
  stats: ConsumerStats;
  /** drops since the last warning (one warning per burst, not per batch) */
  unreported: number;
}

const WARN_EVERY_MS = 10_000;

export class FanOut {
  private readonly slots = new Set<Slot>();
  private lastWarn = 0;

  constructor(
    private readonly o: { defaults: QueueLimits; metrics: PipelineMetrics; logger: Logger },
  ) {}

  /** Adds a consumer (from the next batch on); returns its removal. */
  connect(consumer: PipelineConsumer, limits: Partial<QueueLimits> = {}): () => void {
    const slot: Slot = { consumer, limits: { ...this.o.defaults, ...limits }, stats: { queuedEvents: 0, queuedBytes: 0, droppedEvents: 0, errors: 0 }, unreported: 0 };
    this.slots.add(slot);
    this.measure(slot); // its gauges appear on /metrics from the start
    return () => void this.slots.delete(slot);
  }

  /** Hands a durable batch to every consumer whose queue has room. */
  publish(events: LogEvent[]): void {
    if (events.length === 0 || this.slots.size === 0) return;
    const bytes = approxBytes(events);
    for (const s of [...this.slots]) this.offer(s, events, bytes);
  }

  private offer(s: Slot, events: LogEvent[], bytes: number): void {
    const st = s.stats;
    // an empty queue always takes one batch (a batch is bounded by the body limit)
    const empty = st.queuedEvents === 0;
    if (!empty && (st.queuedEvents + events.length > s.limits.maxEvents || st.queuedBytes + bytes > s.limits.maxBytes)) {
      this.drop(s, events.length);
      return;
    }
    let done: void | Promise<unknown>;
    try {
      done = s.consumer.accept(events);
    } catch (err) {
      this.failed(s, err);
      return;
    }
    if (!(done instanceof Promise)) return;
    st.queuedEvents += events.length;
    st.queuedBytes += bytes;
    this.measure(s);
    done.then(
      () => this.settle(s, events.length, bytes),
      (err: unknown) => {
        this.settle(s, events.length, bytes);
        this.failed(s, err);
      },
    );
  }

  private settle(s: Slot, n: number, bytes: number): void {
    s.stats.queuedEvents -= n;
    s.stats.queuedBytes -= bytes;
    this.measure(s);
  }

  private measure(s: Slot): void {
    this.o.metrics.queueEvents.set({ consumer: s.consumer.name }, s.stats.queuedEvents);
    this.o.metrics.queueBytes.set({ consumer: s.consumer.name }, s.stats.queuedBytes);
  }

  private failed(s: Slot, err: unknown): void {
    s.stats.errors++;
    this.o.metrics.consumerErrors.inc({ consumer: s.consumer.name });
    this.o.logger.error({ consumer: s.consumer.name, err: (err as Error)?.message ?? String(err) }, 'A pipeline consumer failed on a batch');
  }

  private drop(s: Slot, n: number): void {
    s.stats.droppedEvents += n;
    s.unreported += n;
    this.o.metrics.dropped.inc({ consumer: s.consumer.name }, n);
    try {
      s.consumer.dropped?.(n);
    } catch {
      // the count above is what matters
    }
    const now = Date.now();
    if (now - this.lastWarn >= WARN_EVERY_MS) {
      this.lastWarn = now;
      this.o.logger.warn({ consumer: s.consumer.name, dropped: s.unreported, queued: s.stats.queuedEvents, limit: s.limits.maxEvents }, 'A pipeline consumer is behind; its queue is full and events were dropped for it');
      s.unreported = 0;
    }
  }

  stats(): Record<string, ConsumerStats> {
    const out: Record<string, ConsumerStats> = {};
    for (const s of this.slots) out[s.consumer.name] = { ...s.stats };
    return out;
  }
}
