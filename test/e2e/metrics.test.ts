/**
 * /metrics of a running server: after ingest, a query, a live tail and an alert, the scrape passes
 * `promtool check metrics` (Debian package `prometheus`, installed by scripts/ensure-test-deps.sh)
 * with no complaint, and every drop the components count is on it: detection evictions (per rule)
 * and late events, dedup evictions, corrupt WAL frames.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import { encodeFrame, walFileName } from '../../src/store/embedded/wal-format.ts';

const root = mkdtempSync(join(tmpdir(), 'argus-metrics-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const rules = join(root, 'rules.yaml');
writeFileSync(
  rules,
  `- rule: Test 401 burst
  id: test-401-burst
  desc: two 401s from one IP
  source: k8s_audit
  condition: source = k8s_audit and code = 401
  output: "401s from %sourceIp"
  priority: WARNING
  threshold: {count: 2, window: 10m, by: [sourceIp]}
`,
);

function makeApp(data: string, extra: Record<string, unknown> = {}): App {
  return createApp(
    { data, listen: '127.0.0.1:0', detection: { builtin: false, rules: [rules], allowedLateness: '0s', maxKeysPerRule: 1 }, ...extra },
    { logger: pino({ level: 'silent' }) },
  );
}

let n = 0;
function failedLogin(ip: string, ts: number) {
  n++;
  return {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `eeeeeeee-0000-0000-0000-${String(n).padStart(12, '0')}`,
    stage: 'ResponseComplete', requestURI: '/api/v1/secrets', verb: 'list', user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
    sourceIPs: [ip], objectRef: { resource: 'secrets', apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 401 },
    requestReceivedTimestamp: new Date(ts).toISOString(), stageTimestamp: new Date(ts + 1).toISOString(),
  };
}

async function post(url: string, body: unknown): Promise<void> {
  const r = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  expect(r.status).toBe(200);
}

/** The value of one sample line (`name{labels} value`) of a scrape; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** promtool's complaints about a scrape (empty when clean); throws when promtool is missing. */
function promtool(text: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is needed (run scripts/ensure-test-deps.sh, or apt-get install -y --no-install-recommends prometheus): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

describe('/metrics', () => {
  it('passes promtool check metrics after ingest, a query, a tail and an alert, with every drop on it', async () => {
    const app = makeApp(join(root, 'live'), { store: { dedupMaxKeys: 1 } });
    const url = await app.start();
    const tail = new AbortController();
    try {
      const stream = await fetch(`${url}/api/v1/tail?q=${encodeURIComponent('source:app')}`, { signal: tail.signal });
      expect(stream.status).toBe(200);
      const now = Date.now();
      // two 401s from .1: the threshold fires; .2 takes the only key slot (evicts .1); .3 is an hour late
      await post(`${url}/k8s-audit?cluster=e2e`, { kind: 'EventList', items: [failedLogin('10.0.0.1', now), failedLogin('10.0.0.1', now + 1)] });
      await post(`${url}/k8s-audit?cluster=e2e`, { kind: 'EventList', items: [failedLogin('10.0.0.2', now + 2)] });
      await post(`${url}/k8s-audit?cluster=e2e`, { kind: 'EventList', items: [failedLogin('10.0.0.3', now - 3_600_000)] });
      // two idempotency keys with room for one: the first is evicted
      await post(`${url}/api/v1/events`, [{ source: 'app', message: 'one', dedupKey: 'k1' }, { source: 'app', message: 'two', dedupKey: 'k2' }]);
      // a gzip body and a bad event (argus_http_decoded_bodies_total, argus_events_rejected_total)
      const gz = await fetch(`${url}/api/v1/events`, { method: 'POST', body: gzipSync(JSON.stringify([{ source: 'app', message: 'gz' }, { source: 'app', ts: 'no time' }])), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      expect(gz.status).toBe(207);
      const reader = stream.body!.getReader();
      let got = '';
      for (let i = 0; i < 20 && !got.includes('"message":"one"'); i++) got += new TextDecoder().decode((await reader.read()).value);
      expect(got).toContain('"message":"one"');
      const q = await fetch(`${url}/api/v1/query?q=${encodeURIComponent('source:app')}`);
      expect(q.status).toBe(200);
      await app.detection.idle();

      const scrape = await fetch(`${url}/metrics`);
      expect(scrape.headers.get('content-type')).toContain('text/plain');
      const text = await scrape.text();
      expect(promtool(text)).toEqual({ status: 0, out: '' });

      expect(sample(text, 'argus_alerts_total{rule="test-401-burst",severity="WARNING"}')).toBe(1);
      expect(sample(text, 'argus_detection_rule_evicted_keys_total{rule="test-401-burst"}')).toBe(1);
      expect(sample(text, 'argus_detection_evicted_keys_total')).toBe(1);
      expect(sample(text, 'argus_detection_late_events_total')).toBe(1);
      expect(sample(text, 'argus_detection_rule_keys{rule="test-401-burst"}')).toBe(1);
      expect(sample(text, 'argus_detection_dropped_events_total')).toBe(0);
      expect(sample(text, 'argus_detection_alert_write_failures_total')).toBe(0);
      expect(sample(text, 'argus_store_dedup_evicted_keys_total')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'argus_wal_corrupt_frames_total')).toBe(0);
      expect(sample(text, 'argus_live_tail_clients')).toBe(1);
      expect(sample(text, 'argus_queries_total{outcome="ok"}')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'argus_http_decoded_bodies_total{encoding="gzip",outcome="ok"}')).toBe(1);
      expect(sample(text, 'argus_events_rejected_total{reason="BAD_EVENT"}')).toBe(1);
      // the standard process metrics, unprefixed, and no gauge named *_total
      expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
      expect(text).not.toMatch(/argus_process_/);
      expect(text).not.toMatch(/^# TYPE \S+_total (gauge|histogram|summary)$/m);
    } finally {
      tail.abort();
      await app.stop();
    }
  });

  it('counts a corrupt frame in the middle of the WAL found at start', async () => {
    const data = join(root, 'corrupt');
    mkdirSync(join(data, 'wal'), { recursive: true });
    const line = (id: string, message: string) => encodeFrame(Buffer.from(JSON.stringify({ id, ts: Date.now(), receivedAt: Date.now(), source: 'app', severityNumber: 9, message, attrs: {} }) + '\n'));
    const bad = line('01J0000000000000000000000B', 'garbled');
    bad[bad.length - 5] = bad[bad.length - 5]! ^ 0xff;
    writeFileSync(join(data, 'wal', walFileName(1)), Buffer.concat([line('01J0000000000000000000000A', 'before'), bad, line('01J0000000000000000000000C', 'after')]));
    const app = makeApp(data);
    const url = await app.start();
    try {
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(sample(text, 'argus_wal_corrupt_frames_total')).toBe(1);
      expect(sample(text, 'argus_wal_corrupt_bytes_total')).toBe(bad.length);
      expect(sample(text, 'argus_wal_torn_frames_total')).toBe(0);
    } finally {
      await app.stop();
    }
  });
});
