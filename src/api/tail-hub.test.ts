import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/index.ts';
import { createMetrics } from './metrics.ts';
import { TailHub } from './tail-hub.ts';
import type { TailSink } from './tail-hub.ts';

class MemorySink implements TailSink {
  written: string[] = [];
  closedWith: string | undefined | null = null;
  /** bytes the "client" has not read; a reading client drains to 0 */
  unread = 0;
  constructor(private readonly reads: boolean) {}
  pending(): number {
    return this.unread;
  }
  write(text: string): void {
    this.written.push(text);
    if (!this.reads) this.unread += text.length;
  }
  close(last?: string): void {
    this.closedWith = last;
  }
}

function ev(i: number, ns: string): LogEvent {
  return { id: `id-${i}`, ts: i, receivedAt: i, source: 'app', namespace: ns, message: `m${i}`, attrs: {} } as unknown as LogEvent;
}

function setup(max = 4, buffer = 1000) {
  let listener: ((e: LogEvent[]) => void) | undefined;
  let subscriptions = 0;
  const hub = new TailHub({
    subscribe: (fn) => {
      subscriptions++;
      listener = fn;
      return () => (listener = undefined);
    },
    maxClients: max,
    maxClientBufferBytes: buffer,
    metrics: createMetrics({ defaultMetrics: false }),
  });
  return { hub, push: (e: LogEvent[]) => listener?.(e), subscribed: () => listener !== undefined, subscriptions: () => subscriptions };
}

describe('TailHub', () => {
  it('matches once per batch per distinct query and writes the same frames to each client', () => {
    const { hub, push } = setup();
    let calls = 0;
    const match = (e: LogEvent) => (calls++, e.namespace === 'a');
    const s1 = new MemorySink(true);
    const s2 = new MemorySink(true);
    hub.join('ns:a', match, s1);
    hub.join('ns:a', match, s2);
    push([ev(1, 'a'), ev(2, 'b'), ev(3, 'a')]);
    expect(calls).toBe(3); // one pass over the batch, not one per client
    expect(s1.written).toEqual(s2.written);
    expect(s1.written.join('')).toBe(`id: id-1\ndata: ${JSON.stringify(ev(1, 'a'))}\n\nid: id-3\ndata: ${JSON.stringify(ev(3, 'a'))}\n\n`);
    expect(s1.written[0]).toBe(s2.written[0]); // the very same string
  });

  it('refuses a client over maxClients and subscribes only while it has clients', () => {
    const { hub, subscribed, subscriptions } = setup(2);
    expect(subscribed()).toBe(false);
    const a = hub.join('q', () => true, new MemorySink(true));
    hub.join('r', () => true, new MemorySink(true));
    expect(hub.join('q', () => true, new MemorySink(true))).toEqual({ kind: 'full', limit: 2 });
    expect(subscribed()).toBe(true);
    if (a.kind === 'ok') a.leave();
    expect(hub.join('q', () => true, new MemorySink(true)).kind).toBe('ok');
    hub.close();
    expect(subscribed()).toBe(false);
    expect(hub.stats()).toEqual({ clients: 0, queries: 0 });
    expect(subscriptions()).toBe(1);
  });

  it('disconnects a client that would pass its buffer bound, with the reason, and keeps serving the others', () => {
    const { hub, push } = setup(4, 400);
    const slow = new MemorySink(false);
    const fast = new MemorySink(true);
    hub.join('q', () => true, slow);
    hub.join('q', () => true, fast);
    for (let i = 0; i < 10; i++) push([ev(i, 'a')]);
    expect(slow.unread).toBeLessThanOrEqual(400);
    expect(slow.closedWith).toMatch(/^event: error\ndata: \{"reason":"slow client: more than 400 bytes/);
    expect(fast.written).toHaveLength(10);
    expect(hub.stats().clients).toBe(1);
  });
});
