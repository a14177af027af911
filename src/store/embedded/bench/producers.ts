/**
 * Bench producers shared by `bench/store` and `./ingest.ts`: appends that retry OVERLOADED like an
 * HTTP sender retries a 503, and concurrent producers re-issuing a pool of events with fresh ids
 * and idempotency keys (as a decoder makes new objects).
 */
import { newId } from '../../../core/index.ts';
import type { LogEvent } from '../../../core/index.ts';
import type { Store } from '../../types.ts';

/** Appends `events`, retrying OVERLOADED (the tail is behind) after `pauseMs`; the accepted count. */
export async function appendRetrying(store: Store, events: LogEvent[], onRetry: () => void, pauseMs = 10): Promise<number> {
  for (;;) {
    try {
      return (await store.append(events)).accepted;
    } catch (e) {
      if ((e as { code?: string }).code !== 'OVERLOADED') throw e;
      onRetry();
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}

/** `producers` concurrent appenders of `total` events from `pool` in batches of `batch`; the OVERLOADED retries. */
export async function runProducers(store: Store, pool: readonly LogEvent[], total: number, batch: number, producers: number): Promise<number> {
  let next = 0;
  let overloaded = 0;
  await Promise.all(
    Array.from({ length: producers }, async () => {
      while (next < total) {
        const from = next;
        const size = Math.min(batch, total - from);
        next += size;
        const events: LogEvent[] = [];
        for (let i = 0; i < size; i++) {
          const e = pool[(from + i) % pool.length]!;
          events.push({ ...e, id: newId(), dedupKey: `${e.dedupKey ?? 'k'}#${from + i}` });
        }
        await appendRetrying(store, events, () => overloaded++);
      }
    }),
  );
  return overloaded;
}
