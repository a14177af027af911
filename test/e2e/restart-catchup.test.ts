/**
 * Restart with a detection backlog (issue 15 item 4): the app listens and acknowledges ingest as
 * soon as the store has replayed its WAL, while detection catches up in the background; /readyz
 * and /metrics show the catch-up; alerts from the backlog and from live traffic are each raised once.
 * The catch-up is held open by holding the store queries it makes (the unfixed app waited for
 * its replay query before listening, so start() never resolved here).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_INGEST_RECEIVER, createApp } from '../../src/app.ts';
import type { LogEventInput } from '../../src/core/index.ts';
import type { Alert } from '../../src/detect/index.ts';
import type { QueryResult, StoreQuery } from '../../src/store/index.ts';
import { metricValue } from '../helpers/app.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-restart-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rules = join(dir, 'rules.yaml');
writeFileSync(
  rules,
  `- rule: Test brute force
  id: test-brute-force
  desc: five 401s from one IP
  source: k8s_audit
  condition: source = k8s_audit and code = 401
  output: "401s from %sourceIp"
  priority: WARNING
  threshold: {count: 5, window: 10m, by: [sourceIp]}
`,
);
const config = {
  data: join(dir, 'data'),
  listen: '127.0.0.1:0',
  detection: { builtin: false, rules: [rules], allowedLateness: '0s', catchupPageEvents: 500 },
};
const t0 = Date.now() - 5 * 60_000;
let n = 0;
const auditEvent = (ip: string, code: number) => {
  n++;
  return {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `eeeeeeee-0000-0000-0000-${String(n).padStart(12, '0')}`,
    stage: 'ResponseComplete', requestURI: '/api/v1/secrets', verb: 'list', user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
    sourceIPs: [ip], objectRef: { resource: 'secrets', apiVersion: 'v1' }, responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: new Date(t0 + n).toISOString(), stageTimestamp: new Date(t0 + n + 1).toISOString(),
  };
};
const within = <T,>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what} did not finish within ${ms} ms`)), ms))]);

describe('restart with a detection backlog', () => {
  it('acknowledges ingest while detection catches up; backlog and live alerts once each', async () => {
    // the backlog, stored through the same pipeline (as `argus ingest --data` would); then its
    // detection state is lost (a crash before the first snapshot): no snapshot exists
    const filler = createApp(config, { logger: pino({ level: 'silent' }), defaultMetrics: false });
    await filler.open();
    const { auditEventToLogEvent } = await import('../../src/sources/k8s-audit/index.ts');
    const backlog: LogEventInput[] = [];
    for (let i = 0; i < 3000; i++) backlog.push(auditEventToLogEvent(auditEvent(`10.0.0.${i % 250}`, 200), { cluster: 'e2e' }));
    for (let i = 0; i < 5; i++) backlog.push(auditEventToLogEvent(auditEvent('192.0.2.1', 401), { cluster: 'e2e' }));
    for (let i = 0; i < backlog.length; i += 400) await filler.ingest(backlog.slice(i, i + 400), { receiver: CLI_INGEST_RECEIVER.name });
    await filler.stop();
    rmSync(join(config.data, 'detect'), { recursive: true, force: true });

    const alerts: Alert[] = [];
    const app = createApp(config, { logger: pino({ level: 'silent' }), defaultMetrics: false, onAlerts: (a) => alerts.push(...a) });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const query = app.store.query.bind(app.store);
    const queries: StoreQuery[] = [];
    app.store.query = async (q: StoreQuery): Promise<QueryResult> => {
      queries.push(q);
      await gate;
      return query(q);
    };
    try {
      const url = await within(app.start(), 10_000, 'start');
      // ingest is acknowledged while the catch-up is held
      const live = [1, 2, 3, 4, 5].map(() => auditEvent('192.0.2.2', 401));
      const r = await fetch(`${url}/k8s-audit?cluster=e2e`, { method: 'POST', body: JSON.stringify({ kind: 'EventList', items: live }), headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', detection: { status: 'catching up' } });
      expect(await metricValue(app, 'argus_detection_catchup_active')).toBe(1);
      expect(alerts).toHaveLength(0);

      release();
      await within(app.detection.idle(), 20_000, 'the catch-up');
      expect(alerts.map((a) => `${a.labels.sourceIp}:${a.count}`).sort()).toEqual(['192.0.2.1:5', '192.0.2.2:5']);
      expect(await metricValue(app, 'argus_detection_catchup_active')).toBe(0);
      expect(await metricValue(app, 'argus_detection_catchup_remaining')).toBe(0);
      // the live batch was stored before the held bounds query ran, so the catch-up read it too
      // (and left it to the live queue: its alert is raised once)
      expect(await metricValue(app, 'argus_detection_catchup_events_total')).toBe(backlog.length + live.length);
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
      // memory bounded by the page: no query asked for more than 500 rows
      expect(Math.max(...queries.map((q) => q.limit))).toBe(500);
    } finally {
      release();
      await app.stop();
    }
  });
});
