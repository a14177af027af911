/**
 * Per-receiver metrics (Vector's component compliance metrics are the model), labelled by the
 * receiver's name. Registered on the app's registry once per server by mountReceivers.
 */
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

export interface ReceiverMetrics {
  requests: Counter<'receiver' | 'status'>;
  accepted: Counter<'receiver'>;
  rejected: Counter<'receiver'>;
  bytes: Counter<'receiver'>;
  latency: Histogram<'receiver'>;
}

export const RECEIVER_METRIC_NAMES = [
  'argus_receiver_requests_total',
  'argus_receiver_events_accepted_total',
  'argus_receiver_events_rejected_total',
  'argus_receiver_received_bytes_total',
  'argus_receiver_request_duration_seconds',
] as const;

export function createReceiverMetrics(registry: Registry): ReceiverMetrics {
  const registers = [registry];
  const [requests, accepted, rejected, bytes, latency] = RECEIVER_METRIC_NAMES;
  return {
    requests: new Counter({ name: requests, help: 'Requests to a push receiver, by answer status', labelNames: ['receiver', 'status'], registers }),
    accepted: new Counter({ name: accepted, help: 'Events a push receiver stored durably', labelNames: ['receiver'], registers }),
    rejected: new Counter({
      name: rejected,
      help: 'Events a push receiver did not store (bad event, a source it may not write, refused by the store)',
      labelNames: ['receiver'],
      registers,
    }),
    bytes: new Counter({ name: bytes, help: 'Request body bytes a push receiver decoded (after Content-Encoding)', labelNames: ['receiver'], registers }),
    latency: new Histogram({
      name: latency,
      help: 'Time from request to answer of a push receiver (includes the fsync)',
      labelNames: ['receiver'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}
