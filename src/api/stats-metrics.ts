/**
 * Metrics read from component stats at scrape time (prom-client `collect`), so every drop a
 * component counts in its stats is on /metrics without the component knowing Prometheus. One
 * scrape reads `store.stats()` once (shared by every metric collected in it; it never waits for
 * loads) and `detection.stats()` (synchronous counters). A counter mirrors a component's count
 * since start: it restarts at 0 with the process, which Prometheus' rate() handles as a reset.
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { DetectionStats } from '../detect/service/index.ts';
import type { StoreStats } from '../store/index.ts';

export interface StatsSources {
  store(): Promise<StoreStats>;
  /** absent when detection does not run in this process */
  detection?(): DetectionStats;
}

type Read<S> = (s: S) => number | undefined;

/**
 * One read shared by every metric collected while it is pending (a scrape collects all metrics
 * in the same tick). A failed read (the store is not running: before start, after stop) leaves
 * the metrics at their last values.
 */
function sharedRead<T>(read: () => Promise<T>): () => Promise<T | undefined> {
  let pending: Promise<T | undefined> | undefined;
  return () =>
    (pending ??= read()
      .catch(() => undefined)
      .finally(() => {
        pending = undefined;
      }));
}

interface Def<S> {
  name: string;
  help: string;
  read: Read<S>;
}

/** A gauge or counter whose value is `read` from the stats at scrape time. */
function mirror<S>(registry: Registry, kind: 'gauge' | 'counter', d: Def<S>, stats: () => Promise<S | undefined> | S): void {
  const registers = [registry];
  if (kind === 'gauge') {
    new Gauge({
      name: d.name,
      help: d.help,
      registers,
      async collect() {
        const s = await stats();
        if (s !== undefined) this.set(d.read(s) ?? 0);
      },
    });
    return;
  }
  new Counter({
    name: d.name,
    help: d.help,
    registers,
    async collect() {
      const s = await stats();
      if (s === undefined) return;
      this.reset();
      this.inc(d.read(s) ?? 0);
    },
  });
}

/** a backend figure of `StoreStats.extra` (the embedded store's WAL and segment counts) */
const extra = (k: string): Read<StoreStats> => (s) => s.extra[k];

const STORE_GAUGES: Def<StoreStats>[] = [
  { name: 'argus_store_rows', help: 'Events the store holds (acknowledged ones not yet in long-term storage included)', read: (s) => s.rows },
  { name: 'argus_store_bytes', help: 'Bytes the store holds', read: (s) => s.bytes },
  { name: 'argus_tail_pending_rows', help: 'Acknowledged events not yet queryable (ingest lag)', read: (s) => s.pendingRows },
  {
    name: 'argus_store_quarantined_segments',
    help: 'Segments taken out of the live set because they could not be read (queries over their range are partial)',
    read: (s) => s.quarantinedSegments,
  },
  { name: 'argus_store_quarantined_segment_rows', help: 'Rows held by the quarantined segments', read: (s) => s.quarantinedRows },
  // embedded store figures (StoreStats.extra); absent keys read as 0
  { name: 'argus_wal_bytes', help: 'Bytes in the write-ahead log', read: extra('walBytes') },
  { name: 'argus_segments', help: 'Live Parquet segments', read: extra('segments') },
  { name: 'argus_segment_bytes', help: 'Bytes in live segments', read: extra('segmentBytes') },
  { name: 'argus_tail_rows', help: 'Acknowledged events not yet in segments', read: extra('tailRows') },
];

const STORE_COUNTERS: Def<StoreStats>[] = [
  { name: 'argus_wal_torn_frames_total', help: 'Torn or corrupt WAL frames cut from the end of the WAL at recovery', read: extra('walTornFrames') },
  { name: 'argus_wal_torn_bytes_total', help: 'Bytes cut from the end of the WAL at recovery', read: extra('walTornBytes') },
  {
    name: 'argus_wal_corrupt_frames_total',
    help: 'Corrupt regions skipped in the middle of WAL files at recovery (valid frames followed them; their events are lost)',
    read: extra('walCorruptFrames'),
  },
  { name: 'argus_wal_corrupt_bytes_total', help: 'Bytes of the corrupt regions skipped in the middle of WAL files at recovery', read: extra('walCorruptBytes') },
  {
    name: 'argus_store_dedup_evicted_keys_total',
    help: 'Idempotency keys evicted before their window ended (store.dedupMaxKeys reached): a later duplicate of one is stored again',
    read: (s) => s.dedupEvicted,
  },
  {
    name: 'argus_store_quarantined_batches_total',
    help: 'WAL frames (or flush groups) with events the store could not load, written aside to quarantine/wal/',
    read: (s) => s.quarantinedBatches,
  },
  { name: 'argus_store_quarantined_events_total', help: 'Events the store could not load, written aside to quarantine/wal/ (their neighbours were stored)', read: (s) => s.quarantinedEvents },
  {
    name: 'argus_store_quarantine_dropped_events_total',
    help: 'Of the quarantined events, those not written aside because the quarantine byte budget was spent (lost)',
    read: (s) => s.quarantineDroppedEvents,
  },
];

const DETECTION_GAUGES: Def<DetectionStats>[] = [
  { name: 'argus_detection_rules', help: 'Detection rules loaded', read: (s) => s.rulesLoaded },
  { name: 'argus_detection_pending_events', help: 'Stored events waiting to be evaluated by detection', read: (s) => s.pendingEvents },
  { name: 'argus_detection_pending_hits', help: 'Rule matches of stateful rules waiting for the watermark', read: (s) => s.pending },
];

const DETECTION_COUNTERS: Def<DetectionStats>[] = [
  {
    name: 'argus_detection_dropped_events_total',
    help: 'Stored events never evaluated by detection because its queue was full',
    read: (s) => s.droppedEvents,
  },
  {
    name: 'argus_detection_late_events_total',
    help: 'Events that arrived more than detection.allowedLateness behind the newest one: not applied to stateful rules',
    read: (s) => s.lateDropped,
  },
  { name: 'argus_detection_evicted_keys_total', help: 'Window and dedupe keys evicted at detection.maxKeysPerRule, all rules (per rule: argus_detection_rule_evicted_keys_total)', read: (s) => s.evictions },
  { name: 'argus_detection_forced_hits_total', help: 'Rule matches applied before the watermark reached them because the pending bound was reached', read: (s) => s.forcedApplied },
  { name: 'argus_detection_evicted_requests_total', help: 'Requests forgotten by their bound (a later stage of one may alert again)', read: (s) => s.requestEvictions },
  { name: 'argus_detection_alerts_suppressed_total', help: 'Alerts suppressed by a rule\'s dedupe', read: (s) => s.suppressed },
  { name: 'argus_detection_alert_write_failures_total', help: 'Alerts whose write to the store failed (logged, not stored)', read: (s) => s.failedAlertWrites },
  { name: 'argus_detection_alert_consumer_failures_total', help: 'Alert batches that made the alert consumer throw', read: (s) => s.failedAlertConsumers },
];

/** Per stateful rule: keys held and keys evicted (bounded by the number of rules loaded). */
function perRule(registry: Registry, stats: () => DetectionStats): void {
  const registers = [registry];
  new Gauge({
    name: 'argus_detection_rule_keys',
    help: 'Window and dedupe keys held per stateful rule (bounded by detection.maxKeysPerRule)',
    labelNames: ['rule'],
    registers,
    collect() {
      this.reset();
      for (const [rule, r] of Object.entries(stats().rules)) this.set({ rule }, r.keys);
    },
  });
  new Counter({
    name: 'argus_detection_rule_evicted_keys_total',
    help: 'Window and dedupe keys evicted at detection.maxKeysPerRule, per loaded stateful rule',
    labelNames: ['rule'],
    registers,
    collect() {
      this.reset();
      for (const [rule, r] of Object.entries(stats().rules)) this.inc({ rule }, r.evictions);
    },
  });
}

/** Registers the scrape-time metrics of the store and (when given) detection in `registry`. */
export function registerStatsMetrics(registry: Registry, sources: StatsSources): void {
  const store = sharedRead(sources.store);
  for (const d of STORE_GAUGES) mirror(registry, 'gauge', d, store);
  for (const d of STORE_COUNTERS) mirror(registry, 'counter', d, store);
  const detection = sources.detection;
  if (!detection) return;
  for (const d of DETECTION_GAUGES) mirror(registry, 'gauge', d, detection);
  for (const d of DETECTION_COUNTERS) mirror(registry, 'counter', d, detection);
  perRule(registry, detection);
}
