/**
 * Prometheus metrics of one server instance (its own registry, so tests can run several servers).
 * Names pass `promtool check metrics` (test/e2e/metrics.test.ts): `argus_<subsystem>_<what>`,
 * counters end in `_total` and nothing else does, units are base units in the name (`_seconds`,
 * `_bytes`). Metrics counted where they happen live here; the ones read from component stats at
 * scrape time (store, detection) are in stats-metrics.ts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * prom-client's default metrics that are gauges named `*_total` (promtool: "non-counter metrics
 * should not have _total suffix"); each is the sum of its labelled sibling without the suffix.
 */
const NON_COUNTER_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface Metrics {
  registry: Registry;
  ingested: Counter<'source'>;
  rejected: Counter<'reason'>;
  duplicates: Counter;
  redactions: Counter;
  alerts: Counter<'rule' | 'severity'>;
  httpRequests: Counter<'route' | 'status'>;
  queryLatency: Histogram<'kind'>;
  tailClients: Gauge;
  queries: Counter<'outcome'>;
  queriesRunning: Gauge;
  queriesQueued: Gauge;
  tailDisconnected: Counter<'reason'>;
  tailRefused: Counter;
  tailFilterRuns: Counter;
  tailBufferedBytes: Gauge;
  connections: Gauge;
  connectionsRefused: Counter;
  clientErrors: Counter<'code'>;
  decodedBodies: Counter<'encoding' | 'outcome'>;
  catchupActive: Gauge;
  catchupEvents: Counter;
  catchupRemaining: Gauge;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) {
    // the standard unprefixed names (process_cpu_seconds_total, nodejs_heap_size_used_bytes...) that dashboards expect
    collectDefaultMetrics({ register: registry });
    for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
  }
  const r = [registry];
  return {
    registry,
    ingested: new Counter({ name: 'argus_events_ingested_total', help: 'Events stored durably', labelNames: ['source'], registers: r }),
    rejected: new Counter({ name: 'argus_events_rejected_total', help: 'Events or requests rejected as bad input', labelNames: ['reason'], registers: r }),
    duplicates: new Counter({ name: 'argus_events_duplicate_total', help: 'Events skipped by idempotency keys', registers: r }),
    redactions: new Counter({ name: 'argus_redactions_total', help: 'Secret values redacted at ingest', registers: r }),
    alerts: new Counter({ name: 'argus_alerts_total', help: 'Alerts raised by detection', labelNames: ['rule', 'severity'], registers: r }),
    httpRequests: new Counter({ name: 'argus_http_requests_total', help: 'HTTP requests', labelNames: ['route', 'status'], registers: r }),
    queryLatency: new Histogram({
      name: 'argus_query_duration_seconds',
      help: 'Query latency',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    tailClients: new Gauge({ name: 'argus_live_tail_clients', help: 'Connected live-tail clients', registers: r }),
    queries: new Counter({
      name: 'argus_queries_total',
      help: 'API queries by outcome: ok, truncated (cut at query.maxResultBytes), timeout, cancelled (client gone or stopping), rejected (queue full), failed',
      labelNames: ['outcome'],
      registers: r,
    }),
    queriesRunning: new Gauge({ name: 'argus_queries_running', help: 'API queries running in the store', registers: r }),
    queriesQueued: new Gauge({ name: 'argus_queries_queued', help: 'API queries waiting for a slot (query.maxConcurrent)', registers: r }),
    tailDisconnected: new Counter({ name: 'argus_live_tail_disconnected_total', help: 'Live-tail clients disconnected by the server', labelNames: ['reason'], registers: r }),
    tailRefused: new Counter({ name: 'argus_live_tail_refused_total', help: 'Live-tail clients refused at tail.maxClients', registers: r }),
    tailFilterRuns: new Counter({ name: 'argus_live_tail_filter_runs_total', help: 'Tail filters run over a batch (once per distinct query, not per client)', registers: r }),
    tailBufferedBytes: new Gauge({ name: 'argus_live_tail_buffered_bytes', help: 'Bytes written to live-tail clients and not yet read by them', registers: r }),
    connections: new Gauge({ name: 'argus_http_connections', help: 'Open HTTP connections being served', registers: r }),
    connectionsRefused: new Counter({ name: 'argus_http_connections_refused_total', help: 'Connections answered 503 at http.maxConnections', registers: r }),
    clientErrors: new Counter({ name: 'argus_http_client_errors_total', help: 'Connections closed for a client error (timeouts: ERR_HTTP_REQUEST_TIMEOUT)', labelNames: ['code'], registers: r }),
    decodedBodies: new Counter({ name: 'argus_http_decoded_bodies_total', help: 'Request bodies with a Content-Encoding, by outcome', labelNames: ['encoding', 'outcome'], registers: r }),
    catchupActive: new Gauge({ name: 'argus_detection_catchup_active', help: '1 while detection catches up on events stored before a restart', registers: r }),
    catchupEvents: new Counter({ name: 'argus_detection_catchup_events_total', help: 'Events read back by the detection catch-up after a restart', registers: r }),
    catchupRemaining: new Gauge({ name: 'argus_detection_catchup_remaining', help: 'Events the detection catch-up has still to read (estimate)', registers: r }),
  };
}
