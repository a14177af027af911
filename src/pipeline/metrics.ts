/** The pipeline's own metrics, registered on the app's registry (api/metrics.ts owns the rest). */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export interface PipelineMetrics {
  dropped: Counter<'consumer'>;
  consumerErrors: Counter<'consumer'>;
  queueEvents: Gauge<'consumer'>;
  queueBytes: Gauge<'consumer'>;
  alertWriteFailures: Counter<'outcome'>;
}

export function createPipelineMetrics(registry: Registry): PipelineMetrics {
  const r = [registry];
  return {
    dropped: new Counter({
      name: 'argus_pipeline_dropped_events_total',
      help: 'Durable events a consumer (detection, live tail) did not get because its queue was full',
      labelNames: ['consumer'],
      registers: r,
    }),
    consumerErrors: new Counter({
      name: 'argus_pipeline_consumer_errors_total',
      help: 'Batches a consumer failed on (threw or rejected); the other consumers and ingest went on',
      labelNames: ['consumer'],
      registers: r,
    }),
    queueEvents: new Gauge({ name: 'argus_pipeline_queue_events', help: 'Events handed to a consumer and not yet done', labelNames: ['consumer'], registers: r }),
    queueBytes: new Gauge({ name: 'argus_pipeline_queue_bytes', help: 'Approximate bytes of the events handed to a consumer and not yet done', labelNames: ['consumer'], registers: r }),
    alertWriteFailures: new Counter({
      name: 'argus_alert_write_failures_total',
      help: 'Failed attempts to store alerts: retried (will be tried again) or dropped (gave up after the bound)',
      labelNames: ['outcome'],
      registers: r,
    }),
  };
}
