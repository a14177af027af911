/**
 * Alerts written back through the pipeline survive a store that answers OVERLOADED for a while:
 * retried with backoff, in order, counted; dropped (with an error log) only after the bound.
 * On the unfixed app an OVERLOADED store made detection log the alert and drop it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ArgusError } from '../core/index.ts';
import type { LogEvent, LogEventInput } from '../core/index.ts';
import { captureLogger } from '../store/embedded/test-helpers.ts';
import type { Store } from '../store/index.ts';
import { isRetryable } from './alert-writer.ts';
import { cleanUp, makePipeline, metric, started } from './test-helpers.ts';

afterEach(cleanUp);

/** The real store, but its next `failures` appends answer OVERLOADED (as at its pending bound). */
function overloaded(store: Store, failures: number): { store: Store; appends: () => number } {
  let left = failures;
  let appends = 0;
  const wrapped: Store = {
    ...store,
    append: async (events: LogEvent[]) => {
      appends++;
      if (left > 0) {
        left--;
        throw new ArgusError('OVERLOADED', 'The store has too many events pending', { pending: 1, limit: 1 });
      }
      return store.append(events);
    },
  };
  return { store: wrapped, appends: () => appends };
}

const alert = (n: number): LogEventInput => ({ ts: Date.now(), source: 'alert', message: `alert ${n}`, dedupKey: `alert:k${n}` });
const stored = async (store: Store): Promise<string[]> => {
  const r = await store.query({ plan: { filter: { op: 'match', field: { kind: 'column', name: 'source' }, value: 'alert', wildcard: false }, stages: [] }, limit: 100 });
  return r.kind === 'events' ? r.events.map((e) => e.message).sort() : [];
};

describe('alert write-back', () => {
  it('retries an OVERLOADED store with backoff and keeps the order; nothing is lost', async () => {
    const real = await started();
    const s = overloaded(real, 3);
    const delays: number[] = [];
    const { pipeline, metrics } = makePipeline(s.store, {
      alertRetry: { attempts: 5, baseDelayMs: 100, maxDelayMs: 250, sleep: async (ms) => void delays.push(ms) },
    });
    const order: string[] = [];
    pipeline.connect({ name: 'tail', accept: (evs) => void order.push(...evs.map((e) => e.message)) });
    const a = pipeline.writeAlerts([alert(1), alert(2)]);
    const b = pipeline.writeAlerts([alert(3)]);
    await Promise.all([a, b]);
    expect(await stored(real)).toEqual(['alert 1', 'alert 2', 'alert 3']);
    // the first batch failed 3 times, then both went through, the second after the first
    expect(order).toEqual(['alert 1', 'alert 2', 'alert 3']);
    expect(s.appends()).toBe(5);
    expect(delays).toEqual([100, 200, 250]);
    expect(await metric(metrics, 'argus_alert_write_failures_total', { outcome: 'retried' })).toBe(3);
    expect(await metric(metrics, 'argus_alert_write_failures_total', { outcome: 'dropped' })).toBe(0);
  });

  it('drops only after the bound, counted and logged as an error, and goes on with the next batch', async () => {
    const real = await started();
    const s = overloaded(real, 4);
    const log = captureLogger();
    const { pipeline, metrics } = makePipeline(s.store, { logger: log.logger, alertRetry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined } });
    await pipeline.writeAlerts([alert(1)]);
    await pipeline.writeAlerts([alert(2)]);
    expect(await stored(real)).toEqual(['alert 2']);
    expect(s.appends()).toBe(3 + 2);
    expect(await metric(metrics, 'argus_alert_write_failures_total', { outcome: 'retried' })).toBe(3);
    expect(await metric(metrics, 'argus_alert_write_failures_total', { outcome: 'dropped' })).toBe(1);
    expect(log.lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual(['Storing alerts failed; they are lost']);
  });

  it('does not retry what another try cannot fix', async () => {
    expect(isRetryable(new ArgusError('OVERLOADED', 'x'))).toBe(true);
    expect(isRetryable(new ArgusError('STORE_IO', 'x'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('disk'), { code: 'EIO' }))).toBe(true);
    expect(isRetryable(new ArgusError('STORE_CLOSED', 'x'))).toBe(false);
    expect(isRetryable(new ArgusError('BAD_EVENT', 'x'))).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);
  });

  it('stop ends the backoff wait: the write gets one last try, then it is given up', async () => {
    const real = await started();
    const s = overloaded(real, 100);
    const { pipeline, metrics } = makePipeline(s.store, { alertRetry: { attempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const w = pipeline.writeAlerts([alert(1)]);
    await new Promise((r) => setImmediate(r));
    await pipeline.stop();
    await w;
    expect(s.appends()).toBe(2);
    expect(await metric(metrics, 'argus_alert_write_failures_total', { outcome: 'dropped' })).toBe(1);
  });
});
