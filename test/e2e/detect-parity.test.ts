/**
 * Offline `argus detect` = the server: one EventList delivered twice (to the server's webhook,
 * and as two identical files to `argus detect`) gives the same alerts, and each request (one
 * auditID, several stages: exec, watch) is cited by exactly one alert.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARGUS, freePort, startServer, stopGracefully } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rules = join(dir, 'rules.yaml');
writeFileSync(
  rules,
  `- rule: Exec into pod
  id: parity-exec
  desc: exec, deduplicated per auditID as the pack does
  condition: ka.target.subresource = exec and not ka.stage in (RequestReceived)
  output: "exec into %ka.target.name by %ka.user.name"
  priority: NOTICE
  source: k8s_audit
  dedupe: {window: 1h, by: [ka.auditid]}
- rule: Secret watch
  id: parity-secret-watch
  desc: a watch on secrets (stateless; every stage matches)
  condition: ka.verb = watch and ka.target.resource = secrets
  output: "%ka.user.name watches secrets"
  priority: WARNING
  source: k8s_audit
`,
);
const config = join(dir, 'argus.yaml');
writeFileSync(config, `detection:\n  builtin: false\n  rules: [${JSON.stringify(rules)}]\n`);

const t0 = Date.now() - 10 * 60_000;
function stage(auditID: string, s: string, at: number, verb: string, objectRef: Record<string, string>, uri: string) {
  const ts = new Date(t0 + at).toISOString();
  return {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID, stage: s, requestURI: uri, verb,
    user: { username: 'mallory@example.com' }, sourceIPs: ['203.0.113.7'], objectRef,
    ...(s === 'RequestReceived' ? {} : { responseStatus: { metadata: {}, code: verb === 'create' ? 101 : 200 } }),
    requestReceivedTimestamp: new Date(t0).toISOString(), stageTimestamp: ts,
  };
}
const exec = (id: string, pod: string, at: number, s: string) =>
  stage(id, s, at, 'create', { resource: 'pods', subresource: 'exec', namespace: 'prod', name: pod, apiVersion: 'v1' }, `/api/v1/namespaces/prod/pods/${pod}/exec?command=sh`);
const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';
const watch = (s: string, at: number) => stage(B, s, at, 'watch', { resource: 'secrets', namespace: 'prod', apiVersion: 'v1' }, '/api/v1/namespaces/prod/secrets?watch=true');
const list = {
  kind: 'EventList', apiVersion: 'audit.k8s.io/v1',
  items: [exec(A, 'api-0', 0, 'RequestReceived'), exec(A, 'api-0', 10, 'ResponseStarted'), watch('RequestReceived', 20), watch('ResponseStarted', 30),
    exec(C, 'api-1', 40, 'ResponseStarted'), exec(A, 'api-0', 120_000, 'ResponseComplete'), watch('ResponseComplete', 180_000), exec(C, 'api-1', 200_000, 'ResponseComplete')],
};

type Summary = [rule: string, title: string, auditIds: string, count: number, firstTs: number, lastTs: number];
const sorted = (xs: Summary[]) => [...xs].sort((a, b) => a.join().localeCompare(b.join()));

describe('argus detect and the server agree', () => {
  it('one EventList twice: identical alerts, each request cited once', async () => {
    const f1 = join(dir, 'a.json');
    const f2 = join(dir, 'b.json');
    writeFileSync(f1, JSON.stringify(list));
    writeFileSync(f2, JSON.stringify(list));
    const r = spawnSync(process.execPath, [ARGUS, 'detect', '--config', config, '--input', f1, '--input', f2, '-o', 'ndjson'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/8 duplicates skipped/);
    const offline = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: string; title: string; auditIds: string[]; count: number; firstTs: number; lastTs: number });
    const off: Summary[] = offline.map((a) => [a.rule, a.title, [...a.auditIds].sort().join(), a.count, a.firstTs, a.lastTs]);

    const s = await startServer(join(dir, 'data'), await freePort(), ['--config', config]);
    let on: Summary[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${s.url}/k8s-audit`, { method: 'POST', body: JSON.stringify(list), headers: { 'content-type': 'application/json' } });
        expect(res.status).toBeLessThan(300);
      }
      for (let i = 0; i < 100; i++) {
        const st = (await (await fetch(`${s.url}/api/v1/detection/stats`)).json()) as { pendingEvents: number };
        if (st.pendingEvents === 0 && i > 2) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      const body = (await (await fetch(`${s.url}/api/v1/alerts?limit=100`)).json()) as {
        events: { message: string; attrs: { rule: string; auditIds: string[]; count: number; firstTs: number; lastTs: number } }[];
      };
      on = body.events.map((e) => [e.attrs.rule, e.message, [...e.attrs.auditIds].sort().join(), e.attrs.count, e.attrs.firstTs, e.attrs.lastTs]);
    } finally {
      await stopGracefully(s);
    }
    expect(sorted(on)).toEqual(sorted(off));
    const cited = off.flatMap((a) => a[2].split(','));
    expect(cited.sort()).toEqual([A, B, C]);
  });
});
