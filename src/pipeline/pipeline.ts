/**
 * The pipeline owns the flow of every entry point (server, `argus ingest --data`, the demo, tests):
 * claim (the origin's provenance) -> finalize -> store.append (durable) -> bounded fan-out to the
 * connected consumers (fan-out.ts). The Store only stores; what runs on the stream connects here.
 * Alerts come back in through `writeAlerts` (alert-writer.ts: ordered, retried).
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { claimEvents, finalizeEvent } from '../core/index.ts';
import type { IngestOrigin, LogEventInput, ProvenancePolicy } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import type { IngestResult, Metrics } from '../api/index.ts';
import { AlertWriter } from './alert-writer.ts';
import { FanOut } from './fan-out.ts';
import type { ConsumerStats, PipelineConsumer, QueueLimits } from './fan-out.ts';
import { createPipelineMetrics } from './metrics.ts';

export interface PipelineOptions {
  store: Store;
  provenance: ProvenancePolicy;
  /** the ingest counters (api/metrics.ts); the pipeline's own are added to its registry */
  metrics: Pick<Metrics, 'ingested' | 'rejected' | 'duplicates'> & { registry: Registry };
  logger: Logger;
  /** default bounds of each consumer's queue */
  queue: QueueLimits;
  /** the origin alerts are written with (the detection receiver) */
  alertOrigin: IngestOrigin;
  alertRetry: { attempts: number; baseDelayMs: number; maxDelayMs: number; sleep?(ms: number): Promise<void> };
}

export interface Pipeline {
  /** apply the origin's ownership, finalize, store durably, then hand the stored events to the consumers */
  ingest(events: LogEventInput[], origin: IngestOrigin): Promise<IngestResult>;
  /** connects a consumer from the next batch on (bounds default to `queue`); returns its removal */
  connect(consumer: PipelineConsumer, limits?: Partial<QueueLimits>): () => void;
  /** stores alert events through ingest with the alert origin, in order, retried; never rejects */
  writeAlerts(events: LogEventInput[]): Promise<void>;
  /** per consumer: queue depth, drops, errors */
  stats(): Record<string, ConsumerStats>;
  /** ends alert retries (the write in progress gets one last try); resolves when the writes are done */
  stop(): Promise<void>;
}

export function createPipeline(o: PipelineOptions): Pipeline {
  const log = o.logger.child({ component: 'pipeline' });
  const pm = createPipelineMetrics(o.metrics.registry);
  const fanOut = new FanOut({ defaults: o.queue, metrics: pm, logger: log });
  const m = o.metrics;

  async function ingest(inputs: LogEventInput[], origin: IngestOrigin): Promise<IngestResult> {
    const claimed = claimEvents(o.provenance, origin, inputs);
    const rejected = claimed.rejected;
    if (rejected.length > 0) m.rejected.inc({ reason: 'FORBIDDEN_SOURCE' }, rejected.length);
    if (claimed.events.length === 0) return { accepted: 0, duplicates: 0, stored: [], rejected };
    const now = Date.now();
    const events = claimed.events.map((e) => finalizeEvent(e, now));
    const r = await o.store.append(events);
    // durable now: what runs on the stream gets it (bounded per consumer; never awaited here)
    fanOut.publish(r.stored);
    if (r.duplicates > 0) m.duplicates.inc(r.duplicates);
    const bySource = new Map<string, number>();
    for (const e of r.stored) bySource.set(e.source, (bySource.get(e.source) ?? 0) + 1);
    for (const [source, n] of bySource) m.ingested.inc({ source }, n);
    if (r.rejected === undefined || r.rejected.length === 0) return { ...r, rejected };
    // the store's own refusals (its second line of defence), at their positions in `inputs`
    m.rejected.inc({ reason: 'BAD_EVENT' }, r.rejected.length);
    const refused = r.rejected.map((x) => ({ position: claimed.positions[x.index]!, ...(x.field ? { field: x.field } : {}), message: x.message }));
    return { ...r, rejected: [...rejected, ...refused].sort((a, b) => a.position - b.position) };
  }

  const alerts = new AlertWriter({ write: (events) => ingest(events, o.alertOrigin), metrics: pm, logger: log, ...o.alertRetry });

  return {
    ingest,
    connect: (consumer, limits) => fanOut.connect(consumer, limits),
    writeAlerts: (events) => alerts.write(events),
    stats: () => fanOut.stats(),
    stop: () => alerts.stop(),
  };
}
