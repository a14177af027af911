/**
 * The store's figures on /metrics, read from `Store.stats()` at each scrape: the common fields
 * as named gauges, and each backend figure of `extra` as `argus_store_<snake_case name>` (created on
 * first sight, so a new backend's figures appear without a change here).
 */
import { Gauge } from 'prom-client';
import type { StoreStats } from '../store/index.ts';
import type { Metrics } from './metrics.ts';

export interface StoreGauges {
  /** sets every gauge from one stats() answer */
  set(s: StoreStats): void;
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/[^a-z0-9_]/g, '_');

export function createStoreGauges(metrics: Metrics): StoreGauges {
  const registers = [metrics.registry];
  const rows = new Gauge({ name: 'argus_store_rows', help: 'Events the store holds (acknowledged ones not yet in long-term storage included)', registers });
  const bytes = new Gauge({ name: 'argus_store_bytes', help: 'Bytes the store holds', registers });
  const extras = new Map<string, Gauge | null>();
  function extra(key: string): Gauge | null {
    let g = extras.get(key);
    if (g !== undefined) return g;
    const name = `argus_store_${snake(key)}`;
    // a backend figure never shadows a metric of its own name (a common field's gauge)
    g = metrics.registry.getSingleMetric(name) ? null : new Gauge({ name, help: `Store backend figure ${key} (StoreStats.extra)`, registers });
    extras.set(key, g);
    return g;
  }
  return {
    set(s) {
      rows.set(s.rows);
      bytes.set(s.bytes);
      metrics.pendingRows.set(s.pendingRows);
      metrics.quarantinedSegments.set(s.quarantinedSegments);
      metrics.quarantinedBatches.set(s.quarantinedBatches);
      metrics.quarantinedEvents.set(s.quarantinedEvents);
      for (const [k, v] of Object.entries(s.extra)) extra(k)?.set(v);
    },
  };
}
