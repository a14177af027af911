/** `argus detect --config FILE` applies the config's detection.trustedRegistries (spawned CLI). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'argus-detect-registries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function argus(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/argus.js'), 'detect', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const IMAGES = ['registry.corp.example/team/app:1', 'registry.corp.example.evil.io/team/app:1', 'nginx:1.25', 'ghcr.io/acme/web:2'];
const items = IMAGES.map((image, i) => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Request',
  auditID: `00000000-0000-4000-a000-00000000000${i}`,
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/shop/pods',
  verb: 'create',
  user: { username: 'alice@example.com', groups: ['system:authenticated'] },
  sourceIPs: ['10.0.0.1'],
  objectRef: { resource: 'pods', namespace: 'shop', name: `p${i}`, apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 201 },
  requestObject: { kind: 'Pod', apiVersion: 'v1', spec: { containers: [{ name: 'c', image }] } },
  requestReceivedTimestamp: `2026-01-01T00:00:0${i}.000000Z`,
  stageTimestamp: `2026-01-01T00:00:0${i}.000000Z`,
}));
const input = join(dir, 'pods.json');
writeFileSync(input, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items }));

function flagged(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { rule: string; title: string })
    .filter((a) => a.rule === 'Argus K8s Image From Untrusted Registry')
    .map((a) => IMAGES.find((img) => a.title.includes(`images=(${img})`))!);
}

describe('argus detect --config (trusted registries)', () => {
  it('trusts only the defaults without a config, and the configured registries with one', () => {
    const plain = argus('--input', input);
    expect(plain.code, plain.stderr).toBe(0);
    expect(flagged(plain.stdout)).toEqual(['registry.corp.example/team/app:1', 'registry.corp.example.evil.io/team/app:1', 'ghcr.io/acme/web:2']);
    const cfg = join(dir, 'argus.yaml');
    writeFileSync(cfg, 'detection:\n  trustedRegistries: [registry.corp.example, docker.io/library]\n');
    const withCfg = argus('--input', input, '--config', cfg);
    expect(withCfg.code, withCfg.stderr).toBe(0);
    expect(flagged(withCfg.stdout)).toEqual(['registry.corp.example.evil.io/team/app:1', 'ghcr.io/acme/web:2']);
  });

  it('refuses a bad entry with exit code 2', () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'detection:\n  trustedRegistries: ["https://registry.corp.example"]\n');
    const r = argus('--input', input, '--config', cfg);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trustedRegistries/);
  });
});
