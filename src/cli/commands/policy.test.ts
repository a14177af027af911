import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'argus-policy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function argus(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/argus.js'), 'policy', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
omitManagedFields: true
rules:
- level: None
  nonResourceURLs: ["/healthz*"]
- level: Metadata
  omitManagedFields: false
  resources:
  - group: ""
    resources: [secrets]
- level: Request
  omitStages: [ResponseStarted]
  resources:
  - group: ""
    resources: ["pods/*"]
- level: Metadata
`;

describe('argus policy (spawned CLI)', () => {
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, POLICY);

  it('simulate --attributes --json prints one decision per request', () => {
    const reqs = join(dir, 'requests.json');
    writeFileSync(reqs, JSON.stringify([
      { user: 'a', groups: ['system:authenticated'], verb: 'get', path: '/healthz/etcd', resourceRequest: false },
      { user: 'a', verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'default', name: 's' },
      { user: 'a', verb: 'create', apiGroup: '', resource: 'pods', subresource: 'exec', namespace: 'default', name: 'p' },
      { verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: 'default' },
    ]));
    const r = argus('simulate', '--policy', policyFile, '--attributes', reqs, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { level: 'None', omitStages: ['RequestReceived'], omitManagedFields: true },
      { level: 'Metadata', omitStages: ['RequestReceived'], omitManagedFields: false },
      { level: 'Request', omitStages: ['RequestReceived', 'ResponseStarted'], omitManagedFields: true },
      { level: 'Metadata', omitStages: ['RequestReceived'], omitManagedFields: true },
    ]);
  });

  it('simulate --events prints the volume per rule', () => {
    const events = join(dir, 'audit.jsonl');
    const ev = (stage: string, sub: string) => JSON.stringify({ kind: 'Event', level: 'Request', stage, verb: 'create', user: { username: 'a' }, objectRef: { resource: 'pods', subresource: sub, namespace: 'd' }, requestObject: {} });
    writeFileSync(events, `${ev('ResponseStarted', 'exec')}\n${ev('ResponseComplete', 'exec')}\n${ev('ResponseComplete', '')}\n`);
    const r = argus('simulate', '--policy', policyFile, '--events', events, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { rules: Array<{ rule: number; matched: number; kept: number; droppedByStage: number }> };
    expect(report.rules.map((x) => [x.rule, x.matched, x.kept, x.droppedByStage])).toEqual([[2, 3, 2, 1]]);
    const table = argus('simulate', '--policy', policyFile, '--events', events);
    expect(table.stdout).toMatch(/^RULE\s+LINE\s+LEVEL\s+MATCHED\s+KEPT/);
  });

  it('lint exits 1 on findings, 0 when clean; bad usage exits 2', () => {
    expect(argus('lint', policyFile).code).toBe(0);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, POLICY.replace('- level: Request\n', '- level: None\n'));
    const lint = argus('lint', bad, '-o', 'json');
    expect(lint.code).toBe(1);
    expect((JSON.parse(lint.stdout) as Array<{ code: string; line: number }>).map((f) => [f.code, f.line])).toContainEqual(['exec-not-logged', 13]);
    const gen = argus('generate', '--profile', 'forensic');
    expect(gen.code).toBe(0);
    const generated = join(dir, 'generated.yaml');
    writeFileSync(generated, gen.stdout);
    expect(argus('lint', generated).code).toBe(0);
    expect(argus('simulate', '--policy', policyFile).code).toBe(2);
    expect(argus('lint', join(dir, 'missing.yaml')).code).toBe(2);
  });

  it('webhook-config prints a kubeconfig with the flags as comments', () => {
    const r = argus('webhook-config', '--url', 'https://argus.example:7400', '--token', 'T', '--cluster', 'prod');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('server: "https://argus.example:7400/k8s-audit?cluster=prod"');
    expect(r.stdout).toContain('#   --audit-webhook-mode=batch');
  });
});

describe('policy simulate on a policy that fails validation', () => {
  it('evaluates it anyway and prints the validation errors as warnings', () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  resources:\n  - group: "apps/v1"\n- level: Request\n  resources:\n  - group: ""\n    resources: ["secrets"]\n- level: Metadata\n');
    const reqs = join(dir, 'broken-requests.json');
    writeFileSync(reqs, JSON.stringify([{ user: 'a', verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'd' }, { user: 'a', verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: 'd' }]));
    const r = argus('simulate', '--policy', broken, '--attributes', reqs, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*broken\.yaml:6: .*apps\/v1/);
    expect(r.stderr).toMatch(/fails validation/);
    expect((JSON.parse(r.stdout) as { level: string }[]).map((d) => d.level)).toEqual(['Request', 'Metadata']);
  });
});
