import { z } from 'zod';
import { retentionSchema } from '../../core/index.ts';

/** The embedded store's config (`store: { type: embedded, ... }` in the server config). */
export const embeddedStoreConfigSchema = z
  .object({
    /** flush the tail into a Parquet segment after this many events */
    flushEvents: z.number().int().positive().default(100_000),
    /** ...or after this long */
    flushInterval: z.string().default('10s'),
    /** WAL group-commit: max wait before fsync when the batch is small */
    commitDelayMs: z.number().int().min(0).max(1000).default(2),
    /** segments smaller than this (rows) are merged by compaction */
    compactBelowRows: z.number().int().positive().default(50_000),
    retention: retentionSchema.default({}),
    /** idempotency keys remembered for this long */
    dedupWindow: z.string().default('24h'),
    /**
     * ...and at most this many (~30 bytes of memory each; the oldest are evicted first and counted
     * as `dedupEvicted`): 5M covers 24 h at ~58 events/s with a key, more keys a longer burst
     */
    dedupMaxKeys: z.number().int().positive().default(5_000_000),
  })
  .strict();

export type EmbeddedStoreConfig = z.infer<typeof embeddedStoreConfigSchema>;
