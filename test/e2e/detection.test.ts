/**
 * Detection on the live stream of a real server process: alerts are stored as `source:alert`
 * events; a threshold window survives a kill -9 in its middle (state replayed from the store),
 * and an alert re-produced by that replay is stored once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerProc } from '../helpers/server-process.ts';
import { freePort, killHard, startServer, stopGracefully } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-detect-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rules = join(dir, 'rules.yaml');
writeFileSync(
  rules,
  `- rule: Test brute force
  id: test-brute-force
  desc: five 401s from one IP
  source: k8s_audit
  condition: source = k8s_audit and code = 401
  output: "%count 401s from %sourceIp"
  priority: WARNING
  threshold: {count: 5, window: 10m, by: [sourceIp]}
`.replace('%count ', ''),
);
const config = join(dir, 'argus.yaml');
writeFileSync(config, `detection:\n  builtin: false\n  rules: [${JSON.stringify(rules)}]\n  allowedLateness: 0s\n`);

let n = 0;
function failedLogin(ip: string, ts: number) {
  n++;
  return {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `dddddddd-0000-0000-0000-${String(n).padStart(12, '0')}`,
    stage: 'ResponseComplete', requestURI: '/api/v1/secrets', verb: 'list', user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
    sourceIPs: [ip], objectRef: { resource: 'secrets', apiVersion: 'v1' }, responseStatus: { metadata: {}, code: 401 },
    requestReceivedTimestamp: new Date(ts).toISOString(), stageTimestamp: new Date(ts + 1).toISOString(),
  };
}

async function send(s: ServerProc, items: unknown[]): Promise<void> {
  const r = await fetch(`${s.url}/k8s-audit?cluster=e2e`, { method: 'POST', body: JSON.stringify({ kind: 'EventList', items }), headers: { 'content-type': 'application/json' } });
  expect(r.status).toBe(200);
}

async function alerts(s: ServerProc): Promise<{ attrs: { ruleId: string; count: number; eventIds: string[] } }[]> {
  // detection runs right after the batch is durable; give it a moment, then read
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    // after a restart detection catches up in the background: wait for that too
    const st = (await (await fetch(`${s.url}/api/v1/detection/stats`)).json()) as { pendingEvents: number; catchup?: { active: boolean } };
    if (st.pendingEvents === 0 && st.catchup?.active !== true) break;
  }
  const r = await fetch(`${s.url}/api/v1/alerts?limit=100`);
  return ((await r.json()) as { events: { attrs: { ruleId: string; count: number; eventIds: string[] } }[] }).events;
}

describe('detection on the stream', () => {
  it('fires a threshold exactly once across kill -9 in the middle of its window and after it', async () => {
    const port = await freePort();
    const t0 = Date.UTC(2026, 10, 25, 9, 0, 0);
    let s = await startServer(join(dir, 'data'), port, ['--config', config]);
    await send(s, [failedLogin('192.0.2.9', t0), failedLogin('192.0.2.9', t0 + 1000), failedLogin('192.0.2.9', t0 + 2000)]);
    expect(await alerts(s)).toHaveLength(0);
    await killHard(s); // no snapshot was written: the window's 3 hits exist only in the store

    s = await startServer(join(dir, 'data'), port, ['--config', config]);
    await send(s, [failedLogin('192.0.2.9', t0 + 3000), failedLogin('192.0.2.9', t0 + 4000), failedLogin('198.51.100.1', t0 + 4500)]);
    let a = await alerts(s);
    expect(a).toHaveLength(1);
    expect(a[0]!.attrs.ruleId).toBe('test-brute-force');
    expect(a[0]!.attrs.count).toBe(5);
    expect(a[0]!.attrs.eventIds).toHaveLength(5);
    await killHard(s);

    // the replay after this crash re-produces the same alert: it must be stored once
    s = await startServer(join(dir, 'data'), port, ['--config', config]);
    a = await alerts(s);
    expect(a).toHaveLength(1);
    await stopGracefully(s);
  });

  it('rejects an invalid rule file on reload with its location and keeps the old rules', async () => {
    const port = await freePort();
    const s = await startServer(join(dir, 'data2'), port, ['--config', config]);
    try {
      writeFileSync(rules, '- rule: Broken\n  desc: x\n  source: k8s_audit\n  condition: source = k8s_audit and (code = \n  output: x\n  priority: WARNING\n');
      const r = await fetch(`${s.url}/api/v1/rules/reload`, { method: 'POST' });
      expect(r.status).toBe(400);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('BAD_RULE');
      expect(body.error.message).toMatch(/rules\.yaml:\d+:\d+/);
      const st = (await (await fetch(`${s.url}/api/v1/detection/stats`)).json()) as { rulesLoaded: number };
      expect(st.rulesLoaded).toBe(1);
    } finally {
      await stopGracefully(s);
    }
  });
});
