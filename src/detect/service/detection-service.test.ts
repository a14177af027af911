/**
 * The detection catch-up after a restart, over a real embedded store: it runs in the background
 * (start resolves while it is held), reads the backlog in pages of the configured size (never one
 * big query), and alerts from the backlog and from live batches that arrive during it are each
 * produced exactly once, including live events the catch-up could also see in the store.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { finalizeEvent } from '../../core/index.ts';
import type { LogEvent, LogEventInput } from '../../core/index.ts';
import type { QueryResult, Store, StoreQuery } from '../../store/index.ts';
import { openStore, tempDir } from '../../store/embedded/test-helpers.ts';
import type { Alert } from '../alert.ts';
import { DetectionService } from './detection-service.ts';

const RULES = [
  {
    path: 'test.yaml',
    text: `- rule: Test brute force
  id: test-brute-force
  desc: five 401s from one IP
  source: k8s_audit
  condition: source = k8s_audit and code = 401
  output: "401s from %sourceIp"
  priority: WARNING
  threshold: {count: 5, window: 10m, by: [sourceIp]}
- rule: Test forbidden
  id: test-forbidden
  desc: one alert per 403, stateless, so an event evaluated twice alerts twice
  source: k8s_audit
  condition: source = k8s_audit and code = 403
  output: "403 from %sourceIp"
  priority: NOTICE
`,
  },
];

const T0 = Date.now() - 10 * 60_000;
let seq = 0;
const ev = (over: Partial<LogEventInput>): LogEvent =>
  finalizeEvent({ ts: T0 + seq++, source: 'k8s_audit', cluster: 't', message: 'get pods', code: 200, sourceIp: '10.0.0.1', ...over }, Date.now());
const failed = (ip: string, n: number): LogEvent[] => Array.from({ length: n }, () => ev({ code: 401, sourceIp: ip, message: 'list secrets' }));
const noise = (n: number): LogEvent[] => Array.from({ length: n }, (_, i) => ev({ sourceIp: `10.0.1.${i % 200}` }));

/** A store whose queries can be held (`hold(k)`: the k-th query and later wait for `release()`). */
function gated(store: Store) {
  const queries: StoreQuery[] = [];
  let holdFrom = Infinity;
  let open!: () => void;
  let gate = new Promise<void>((r) => (open = r));
  let reached!: () => void;
  let heldAt = new Promise<void>((r) => (reached = r));
  const wrapped: Store = {
    ...store,
    query: async (q: StoreQuery): Promise<QueryResult> => {
      queries.push(q);
      if (queries.length >= holdFrom) {
        reached();
        await gate;
      }
      return store.query(q);
    },
  };
  return {
    store: wrapped,
    queries,
    hold(k: number) {
      holdFrom = k;
      gate = new Promise<void>((r) => (open = r));
      heldAt = new Promise<void>((r) => (reached = r));
    },
    held: () => heldAt,
    release() {
      holdFrom = Infinity;
      open();
    },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(backlog: LogEvent[][], opts: { pageEvents: number; snapshotEvents?: number }) {
  const { dir, cleanup } = tempDir();
  const store = openStore(dir);
  await store.start();
  cleanups.push(cleanup, () => store.stop());
  for (const b of backlog) await store.append(b);
  const g = gated(store);
  const alerts: Alert[] = [];
  // what the pipeline does: each durable batch goes to the connected consumer right after append
  let connected: DetectionService | undefined;
  const ingest = async (events: LogEvent[]): Promise<void> => {
    const r = await store.append(events);
    void connected?.accept(r.stored);
  };
  const make = () =>
    (connected = new DetectionService({
      store: g.store,
      logger: pino({ level: 'silent' }),
      dataDir: dir,
      ruleFiles: () => RULES,
      storeAlerts: (events) => store.append(events.map((e) => finalizeEvent(e, Date.now()))),
      onAlerts: (a) => alerts.push(...a),
      allowedLateness: '0s',
      catchupPageEvents: opts.pageEvents,
      ...(opts.snapshotEvents ? { snapshotEvents: opts.snapshotEvents } : {}),
    }));
  return { dir, store, g, alerts, make, ingest };
}

const forbidden = (n: number): LogEvent[] => Array.from({ length: n }, () => ev({ code: 403, sourceIp: '203.0.113.9' }));
const byIp = (alerts: Alert[]) => alerts.filter((a) => a.ruleId === 'test-brute-force').map((a) => `${a.labels.sourceIp ?? a.title}:${a.count}`).sort();
const forbiddenIds = (alerts: Alert[]) => alerts.filter((a) => a.ruleId === 'test-forbidden').flatMap((a) => a.eventIds).sort();
const ids = (events: LogEvent[]) => events.map((e) => e.id).sort();

function expectDisjoint(alerts: Alert[]): void {
  const ids = alerts.flatMap((a) => a.eventIds);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('detection catch-up after a restart', () => {
  it('runs in the background in pages while live batches arrive; each alert exactly once', async () => {
    // backlog: noise, a complete brute force from A, the first 3 of C's
    const backlog = [noise(1200), failed('192.0.2.1', 5), forbidden(2), noise(800), failed('192.0.2.3', 3), noise(400)];
    const total = backlog.flat().length;
    const { g, alerts, make, store, ingest } = await setup(backlog, { pageEvents: 500 });
    const svc = make();
    g.hold(3); // the bounds query and the first page pass; the second page waits
    await svc.start(); // resolves although the catch-up is held
    await g.held();
    expect(svc.stats().catchup?.active).toBe(true);
    // live traffic during the catch-up: a brute force from B, the last 2 of C's
    const live = [failed('192.0.2.2', 5), failed('192.0.2.3', 2), forbidden(3)];
    for (const b of live) await ingest(b);
    expect(svc.stats().pendingEvents).toBe(10);
    g.release();
    await svc.idle();
    const p = svc.stats().catchup!;
    expect(p).toMatchObject({ active: false, outcome: 'done', processed: total, total, remaining: 0 });
    expect(byIp(alerts)).toEqual(['192.0.2.1:5', '192.0.2.2:5', '192.0.2.3:5']);
    expect(forbiddenIds(alerts)).toEqual(ids([...backlog, ...live].flat().filter((e) => e.code === 403)));
    expectDisjoint(alerts);
    // bounded memory: one count query, then pages of at most 500 events, never a big query
    expect(g.queries[0]!.limit).toBe(1);
    const pages = g.queries.slice(1);
    expect(pages.every((q) => q.limit === 500)).toBe(true);
    expect(pages.length).toBe(Math.ceil(total / 500));
    // alerts stored once each
    await svc.stop();
    const stored = await store.query({ plan: { filter: { op: 'match', field: { kind: 'column', name: 'source' }, value: 'alert', wildcard: false }, stages: [] }, limit: 100 });
    expect(stored.kind === 'events' && stored.events.length).toBe(3 + 5);
  });

  it('leaves out of its pages the live events it can see in the store (no double evaluation)', async () => {
    const backlog = [noise(300), failed('192.0.2.3', 3), noise(300)];
    const { g, alerts, make, ingest } = await setup(backlog, { pageEvents: 200 });
    const svc = make();
    g.hold(1); // the bounds query waits: live events stored now fall below its upper id
    await svc.start();
    await g.held();
    const live = [failed('192.0.2.2', 5), failed('192.0.2.3', 2), forbidden(4)];
    for (const b of live) await ingest(b);
    g.release();
    await svc.idle();
    const p = svc.stats().catchup!;
    expect(p.total).toBe(600 + 3 + 11); // the live ones are in range...
    expect(byIp(alerts)).toEqual(['192.0.2.2:5', '192.0.2.3:5']); // ...but evaluated once, after the backlog
    expect(forbiddenIds(alerts)).toEqual(ids(live[2]!));
    expectDisjoint(alerts);
    await svc.stop();
  });

  it('snapshots every snapshotEvents during the catch-up and when it ends', async () => {
    const backlog = [noise(1000), failed('192.0.2.1', 5), noise(1000)];
    const { dir, g, make } = await setup(backlog, { pageEvents: 400, snapshotEvents: 1000 });
    const state = join(dir, 'detect', 'state.json');
    const svc = make();
    g.hold(5); // bounds + 3 pages (1200 events) done
    await svc.start();
    await g.held();
    expect(existsSync(state)).toBe(true);
    const mid = JSON.parse(readFileSync(state, 'utf8')) as { lastId: string };
    g.release();
    await svc.idle();
    const end = JSON.parse(readFileSync(state, 'utf8')) as { lastId: string };
    expect(end.lastId > mid.lastId).toBe(true);
    expect(end.lastId).toBe(backlog.flat().at(-1)!.id);
    await svc.stop();
  });

  it('a stop in the middle keeps what was caught up; the next start goes on from there, alerts once', async () => {
    const backlog = [noise(500), failed('192.0.2.1', 5), noise(500), failed('192.0.2.3', 3), noise(500), failed('192.0.2.3', 2)];
    const { g, alerts, make, ingest } = await setup(backlog, { pageEvents: 300 });
    let svc = make();
    g.hold(3); // bounds + 1 page
    await svc.start();
    await g.held();
    const live = forbidden(3);
    await ingest(failed('192.0.2.2', 5)); // live, held for after the catch-up
    await ingest(live);
    const stopping = svc.stop();
    g.release();
    await stopping;
    expect(svc.stats().catchup?.outcome).toBe('stopped');
    svc = make(); // restart on the snapshot the stop wrote
    await svc.start();
    await svc.idle();
    expect(byIp(alerts)).toEqual(['192.0.2.1:5', '192.0.2.2:5', '192.0.2.3:5']);
    expect(forbiddenIds(alerts)).toEqual(ids(live));
    expectDisjoint(alerts);
    await svc.stop();
  });
});
