/**
 * `argus demo` run twice on one data dir, as `npm run demo` twice: the second run stores new
 * alerts (its traffic has new auditIDs), prints every alert on stdout (program logs stay on
 * stderr), and the alerts speak one severity vocabulary: their rules' priorities, as stored.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { PRIORITY_SEVERITY } from '../../src/detect/index.ts';
import { ARGUS, ROOT, freePort } from '../helpers/server-process.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'argus-demo-'));
const data = join(dir, 'demo');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRIORITIES = Object.keys(PRIORITY_SEVERITY);
/** `2026-11-25T10:00:00.000Z  CRITICAL  Rule name: title` */
const ALERT_LINE = new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  (${PRIORITIES.join('|')}) +\\S.*: \\S`);

async function demo(): Promise<{ stdout: string; stderr: string }> {
  const port = await freePort();
  return run(process.execPath, [ARGUS, 'demo', '--data', data, '--listen', `127.0.0.1:${port}`, '--duration', '3s'], {
    cwd: ROOT,
    env: { ...process.env, ARGUS_LOG_LEVEL: 'info' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** the stored alerts: severityText per alertKey */
async function storedAlerts(): Promise<Map<string, string>> {
  const app = createApp({ data }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  await app.store.start();
  try {
    const q = await app.http.inject({ method: 'GET', url: `/api/v1/query?limit=10000&q=${encodeURIComponent('source:alert')}` });
    const events = (q.json() as { events: { severityText: string; attrs: { alertKey: string } }[] }).events;
    return new Map(events.map((e) => [e.attrs.alertKey, e.severityText]));
  } finally {
    await app.http.close();
    await app.store.stop();
  }
}

it('a second run on the same data dir stores and prints new alerts, in the rules\' priorities', async () => {
  const first = await demo();
  const afterFirst = await storedAlerts();
  const second = await demo();
  const afterSecond = await storedAlerts();
  for (const r of [first, second]) {
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines.length, r.stderr).toBeGreaterThan(0);
    // stdout is the alert stream and nothing else; pino's JSON lines and progress are on stderr
    for (const l of lines) expect(l).toMatch(ALERT_LINE);
    expect(r.stderr).toContain('"msg":"Argus is listening"');
    expect(r.stderr).not.toMatch(ALERT_LINE);
    expect(r.stderr).not.toMatch(/\b(ERROR2|INFO2|ERROR3)\b/);
  }
  const secondLines = second.stdout.split('\n').filter((l) => l !== '').length;
  const fresh = [...afterSecond.keys()].filter((k) => !afterFirst.has(k));
  expect(fresh.length).toBeGreaterThan(0);
  expect(fresh.length).toBeLessThanOrEqual(secondLines);
  // one vocabulary: what is stored is the rule's priority
  for (const sev of afterSecond.values()) expect(PRIORITIES).toContain(sev);
}, 90_000);

it('--write-audit makes the audit file the README feeds to detect and ingest', async () => {
  const file = join(dir, 'audit.jsonl');
  await run(process.execPath, [ARGUS, 'demo', '--write-audit', file, '--duration', '20s', '--seed', '7'], { cwd: ROOT });
  const r = await run(process.execPath, [ARGUS, 'detect', '--input', file], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const alerts = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { priority: string; rule: string });
  expect(r.stderr).toMatch(/events \(k8s-audit\/ndjson\), 0 duplicates skipped, 0 undecodable/);
  expect(alerts.map((a) => a.rule)).toContain('Argus K8s Cluster-wide Secret Listing');
  expect(alerts.find((a) => a.rule === 'Argus K8s Cluster-wide Secret Listing')!.priority).toBe('CRITICAL');
}, 60_000);
