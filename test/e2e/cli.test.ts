/**
 * The CLI as a user runs it: `argus ingest --k8s-audit` (plain + .gz, via a running server and
 * offline into a data dir, idempotent on re-run), `argus query`, `argus rules test`, `argus rules import`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { ARGUS, ROOT, freePort, startServer, stopGracefully } from '../helpers/server-process.ts';
import { hasSamples, samplePath } from '../helpers/samples.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'argus-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRACES = 'falco-k8saudit/trace_files/k8s_audit';
const FIXTURES = samplePath(TRACES);

async function argus(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [ARGUS, ...args], { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// an audit log file as the log backend writes it (one Event per line), split in two with the second gzipped (rotated)
const HAVE_TRACES = hasSamples(TRACES);
const lines = HAVE_TRACES
  ? readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.json') && f !== 'fal_01_003.json')
      .flatMap((f) => readFileSync(join(FIXTURES, f), 'utf8').split('\n').filter((l) => l.trim() !== ''))
  : [];
const half = Math.floor(lines.length / 2);
const plain = join(dir, 'audit.log');
const rotated = join(dir, 'audit-2026-11-24.log.gz');
writeFileSync(plain, lines.slice(0, half).join('\n') + '\n');
writeFileSync(rotated, gzipSync(lines.slice(half).join('\n') + '\n'));
const distinct = new Set(lines.map((l) => {
  const e = JSON.parse(l) as { auditID: string; stage: string };
  return `${e.auditID}/${e.stage}`;
})).size;

describe('argus CLI', () => {
  it.skipIf(!HAVE_TRACES)('ingests audit files through a running server, idempotently, and queries them', async () => {
    const port = await freePort();
    const s = await startServer(join(dir, 'data'), port);
    try {
      const first = await argus(['ingest', '--k8s-audit', plain, rotated, '--server', s.url, '--cluster', 'cli', '-o', 'json']);
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ files: 2, accepted: distinct, rejected: 0 });
      const again = await argus(['ingest', '--k8s-audit', plain, rotated, '--server', s.url, '--cluster', 'cli', '-o', 'json']);
      expect(JSON.parse(again.stdout)).toMatchObject({ files: 2, accepted: 0, duplicates: lines.length });
      const q = await argus(['query', 'source:k8s_audit | stats count() by cluster', '--server', s.url, '-o', 'json']);
      expect(q.code).toBe(0);
      expect(JSON.parse(q.stdout)).toEqual([{ cluster: 'cli', count: distinct }]);
      const bad = await argus(['query', 'verb:get AND (', '--server', s.url]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/column/);
    } finally {
      await stopGracefully(s);
    }
  });

  it.skipIf(!HAVE_TRACES)('ingests offline into a data dir', async () => {
    const r = await argus(['ingest', '--k8s-audit', rotated, '--data', join(dir, 'offline'), '--cluster', 'off', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ files: 1, rejected: 0 });
    expect(JSON.parse(r.stdout).accepted).toBeGreaterThan(0);
    // provenance: written by the offline loader, and detection ran on it as in the server
    const app = createApp({ data: join(dir, 'offline') }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
    await app.open();
    try {
      await app.detection.idle();
      const q = await app.http.inject({ method: 'GET', url: `/api/v1/query?q=${encodeURIComponent('* | stats count() by ingest')}` });
      const rows = (q.json() as { rows: unknown[][] }).rows;
      expect(rows).toContainEqual(['cli-ingest', JSON.parse(r.stdout).accepted]);
      // the server's pipeline ran: detection on the stream stored its alerts (ingest: detection)
      expect(rows.map((row) => row[0]).sort()).toEqual(['cli-ingest', 'detection']);
    } finally {
      await app.stop();
    }
  });

  it('runs the built-in pack tests', async () => {
    const r = await argus(['rules', 'test']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('fails rules test on a rule whose positive case does not fire', async () => {
    const rules = join(dir, 'custom');
    mkdirSync(rules);
    writeFileSync(join(rules, 'a.yaml'), '- rule: Secret deleted\n  id: t-secret-deleted\n  desc: x\n  source: k8s_audit\n  condition: ka.verb = delete and ka.target.resource = secrets\n  output: deleted %ka.target.name\n  priority: WARNING\n');
    writeFileSync(
      join(rules, 'a.tests.yaml'),
      '- test: fires on get (wrong on purpose)\n  rule: t-secret-deleted\n  expect: fire\n  events:\n    - audit: {verb: get, objectRef: {resource: secrets, namespace: default, name: s}}\n- test: quiet on list\n  rule: t-secret-deleted\n  expect: quiet\n  events:\n    - audit: {verb: list, objectRef: {resource: secrets, namespace: default}}\n',
    );
    const r = await argus(['rules', 'test', rules]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/fires on get/);
  });

  it.skipIf(!hasSamples('sigma-k8s'))('imports the Sigma Kubernetes rules and refuses a bad Falco file with its location', async () => {
    const out = join(dir, 'sigma-rules.yaml');
    const r = await argus(['rules', 'import', 'sigma', samplePath('sigma-k8s', 'rules'), '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/DRL 1\.1/);
    const bad = join(dir, 'bad-falco.yaml');
    writeFileSync(bad, '- macro: m\n  condition: ka.verb = get and (\n- rule: r\n  desc: d\n  condition: m\n  output: o\n  priority: INFO\n  source: k8s_audit\n');
    const b = await argus(['rules', 'import', 'falco', bad]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/bad-falco\.yaml:\d+:\d+/);
  });
});
