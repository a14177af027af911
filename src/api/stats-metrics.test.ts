import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { DetectionStats } from '../detect/service/index.ts';
import type { StoreStats } from '../store/index.ts';
import { registerStatsMetrics } from './stats-metrics.ts';

type Extra = { tailRows: number; walBytes: number; segments: number; segmentBytes: number; segmentRows: number; walTornFrames: number; walTornBytes: number; walCorruptFrames: number; walCorruptBytes: number };

function storeStats(over: Partial<StoreStats> = {}, extra: Partial<Extra> = {}): StoreStats {
  return {
    rows: 18, bytes: 19, pendingRows: 2, duplicatesSkipped: 11, dedupEvicted: 12, quarantinedSegments: 13, quarantinedRows: 14,
    quarantinedBatches: 15, quarantinedEvents: 16, quarantineDroppedEvents: 17, bySource: {},
    extra: { tailRows: 1, walBytes: 3, segments: 4, segmentBytes: 5, segmentRows: 6, walTornFrames: 7, walTornBytes: 8, walCorruptFrames: 9, walCorruptBytes: 10, ...extra },
    ...over,
  };
}

function detectionStats(over: Partial<DetectionStats> = {}): DetectionStats {
  return {
    watermark: null, maxEventTs: null, pending: 21, lateDropped: 22, evictions: 23, alerts: 24, suppressed: 25,
    lateAccepted: 0, forcedApplied: 33, stageRepeats: 0, requests: 0, requestEvictions: 34, sources: 1,
    rules: { a: { keys: 26, evictions: 20 }, b: { keys: 0, evictions: 3 } },
    rulesLoaded: 27, pendingEvents: 28, droppedEvents: 29, replayedEvents: 30, failedAlertWrites: 31, failedAlertConsumers: 32, ...over,
  };
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('registerStatsMetrics', () => {
  it('puts every store and detection drop on the scrape, read once per scrape', async () => {
    const registry = new Registry();
    let reads = 0;
    let stats = storeStats();
    let det = detectionStats();
    registerStatsMetrics(registry, {
      store: async () => {
        reads++;
        return stats;
      },
      detection: () => det,
    });
    const text = await registry.metrics();
    expect(reads).toBe(1);
    const expected: Record<string, number> = {
      argus_store_rows: 18,
      argus_store_bytes: 19,
      argus_wal_bytes: 3,
      argus_tail_rows: 1,
      argus_tail_pending_rows: 2,
      argus_segments: 4,
      argus_segment_bytes: 5,
      argus_wal_torn_frames_total: 7,
      argus_wal_torn_bytes_total: 8,
      argus_wal_corrupt_frames_total: 9,
      argus_wal_corrupt_bytes_total: 10,
      argus_store_dedup_evicted_keys_total: 12,
      argus_store_quarantined_segments: 13,
      argus_store_quarantined_segment_rows: 14,
      argus_store_quarantined_batches_total: 15,
      argus_store_quarantined_events_total: 16,
      argus_store_quarantine_dropped_events_total: 17,
      argus_detection_pending_hits: 21,
      argus_detection_late_events_total: 22,
      argus_detection_evicted_keys_total: 23,
      argus_detection_alerts_suppressed_total: 25,
      'argus_detection_rule_keys{rule="a"}': 26,
      'argus_detection_rule_evicted_keys_total{rule="a"}': 20,
      'argus_detection_rule_evicted_keys_total{rule="b"}': 3,
      argus_detection_rules: 27,
      argus_detection_pending_events: 28,
      argus_detection_dropped_events_total: 29,
      argus_detection_alert_write_failures_total: 31,
      argus_detection_alert_consumer_failures_total: 32,
      argus_detection_forced_hits_total: 33,
      argus_detection_evicted_requests_total: 34,
    };
    for (const [series, v] of Object.entries(expected)) expect([series, value(text, series)]).toEqual([series, v]);

    // values are read again at the next scrape; a rule gone after a reload leaves the scrape
    stats = storeStats({ dedupEvicted: undefined as unknown as number }, { walCorruptFrames: 40 });
    det = detectionStats({ droppedEvents: 41, rules: { a: { keys: 1, evictions: 42 } } });
    const next = await registry.metrics();
    expect(reads).toBe(2);
    expect(value(next, 'argus_wal_corrupt_frames_total')).toBe(40);
    expect(value(next, 'argus_store_dedup_evicted_keys_total')).toBe(0);
    expect(value(next, 'argus_detection_dropped_events_total')).toBe(41);
    expect(value(next, 'argus_detection_rule_evicted_keys_total{rule="a"}')).toBe(42);
    expect(next).not.toContain('rule="b"');
  });

  it('a store that cannot answer (not running) leaves its metrics at their last values and the scrape answers', async () => {
    const registry = new Registry();
    let up = true;
    registerStatsMetrics(registry, {
      store: async () => {
        if (!up) throw new Error('The store is not running');
        return storeStats();
      },
    });
    expect(value(await registry.metrics(), 'argus_wal_corrupt_frames_total')).toBe(9);
    up = false;
    const text = await registry.metrics();
    expect(value(text, 'argus_wal_corrupt_frames_total')).toBe(9);
    expect(text).not.toContain('argus_detection_');
  });
});
