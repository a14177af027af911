/**
 * What a new user trips over, tried as a new user would (issue 16): server addresses without a
 * scheme or with a trailing slash, ARGUS_SERVER, one clear sentence for a refused connection, a
 * busy port and an empty error answer; RFC 3339 times; one severity vocabulary; `ingest` over
 * several files with bad lines, a missing file and an EKS export.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGUS, ROOT, freePort, startServer, stopGracefully } from '../helpers/server-process.ts';
import type { ServerProc } from '../helpers/server-process.ts';
import { hasSamples, samplePath } from '../helpers/samples.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'argus-newuser-'));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function argus(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const e: NodeJS.ProcessEnv = { ...process.env, ARGUS_LOG_LEVEL: 'warn', ...env };
  if (env.ARGUS_SERVER === undefined) delete e.ARGUS_SERVER;
  try {
    const r = await run(process.execPath, [ARGUS, ...args], { cwd: ROOT, env: e, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const x = err as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** exactly one line on stderr, `argus: <a sentence>`, and no stack trace */
function oneSentence(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^argus: \S.{10,}/);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const EKS = 'falco-k8saudit-cloud/eks/eks_filterlogevents_response.CONSTRUCTED.json';

let s: ServerProc;
beforeAll(async () => {
  s = await startServer(join(dir, 'data'), await freePort());
  const events = [0, 1, 2].map((i) => ({ ts: T0 + i * 1000, source: 'app', namespace: 'web', message: `hello ${i}` }));
  const r = await fetch(`${s.url}/api/v1/events`, { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json' } });
  expect(r.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await stopGracefully(s);
  rmSync(dir, { recursive: true, force: true });
});

describe('the server address', () => {
  it('takes HOST:PORT without a scheme, a trailing slash, and ARGUS_SERVER as the default', async () => {
    const hostPort = s.url.replace(/^http:\/\//, '');
    for (const server of [hostPort, `${s.url}/`, `${hostPort}/`]) {
      const r = await argus(['query', 'source:app | stats count()', '--server', server, '-o', 'json']);
      expect(r.code, `${server}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([{ count: 3 }]);
    }
    const env = await argus(['query', 'source:app | stats count()', '-o', 'json'], { ARGUS_SERVER: `${hostPort}/` });
    expect(env.code, env.stderr).toBe(0);
    expect(JSON.parse(env.stdout)).toEqual([{ count: 3 }]);
  });

  it('says in one sentence that nothing listens (exit 1), for query, tail and ingest alike', async () => {
    const port = await freePort();
    const file = join(dir, 'one.log');
    writeFileSync(file, '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a-1","stage":"ResponseComplete","verb":"get","requestURI":"/api","user":{"username":"u"},"requestReceivedTimestamp":"2026-11-25T10:00:00Z","stageTimestamp":"2026-11-25T10:00:00Z"}\n');
    for (const args of [['query', '*'], ['tail'], ['ingest', '--k8s-audit', file], ['rules', 'reload']]) {
      const r = await argus([...args, '--server', `127.0.0.1:${port}`]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(oneSentence(r.stderr)).toBe(`argus: cannot reach the server at http://127.0.0.1:${port} (connection refused): is \`argus server\` running? (or pass --server, or set ARGUS_SERVER)`);
    }
  });

  it('refuses an address that is not one as bad usage (exit 2)', async () => {
    const r = await argus(['query', '*', '--server', 'http://[::1']);
    expect(r.code).toBe(2);
    expect(oneSentence(r.stderr)).toMatch(/--server: "http:\/\/\[::1" is not a server address/);
  });

  it('names an error answer with an empty body', async () => {
    const empty = createHttpServer((_req, res) => {
      res.statusCode = 502;
      res.end();
    });
    await new Promise<void>((r) => empty.listen(0, '127.0.0.1', r));
    try {
      const port = (empty.address() as AddressInfo).port;
      const r = await argus(['query', '*', '--server', `127.0.0.1:${port}`]);
      expect(r.code).toBe(1);
      expect(oneSentence(r.stderr)).toBe(`argus: the server at http://127.0.0.1:${port} answered 502 Bad Gateway with an empty body`);
    } finally {
      await new Promise((r) => empty.close(r));
    }
  });

  it('says in one sentence that the port is taken (exit 2), and stops what it started', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const port = (busy.address() as AddressInfo).port;
      const r = await argus(['server', '--data', join(dir, 'busy'), '--listen', `127.0.0.1:${port}`]);
      expect(r.code).toBe(2);
      expect(oneSentence(r.stderr)).toBe(`argus: cannot listen on 127.0.0.1:${port}: the address is already in use (is another \`argus server\` running? pick another with --listen)`);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});

describe('times', () => {
  it('are RFC 3339 in tables (UTC; local with --local), in event, fields and timechart tables', async () => {
    const events = await argus(['query', 'source:app', '--server', s.url]);
    expect(events.code, events.stderr).toBe(0);
    expect(events.stdout).toContain('2026-11-25T10:00:02.000Z');
    const fields = await argus(['query', 'source:app | fields ts, receivedAt, message | sort ts | head 1', '--server', s.url]);
    expect(fields.stdout).toContain('2026-11-25T10:00:00.000Z');
    expect(fields.stdout).not.toMatch(/\b\d{13}\b/);
    const chart = await argus(['query', 'source:app | timechart span=1m count()', '--server', s.url]);
    expect(chart.stdout).toMatch(/^2026-11-25T10:00:00\.000Z\s+3$/m);
    const stats = await argus(['query', 'source:app | stats min(ts), max(ts)', '--server', s.url]);
    expect(stats.stdout).toMatch(/2026-11-25T10:00:00\.000Z\s+2026-11-25T10:00:02\.000Z/);
    const local = await argus(['query', 'source:app | timechart span=1m count()', '--server', s.url, '--local'], { TZ: 'Asia/Kolkata' });
    expect(local.stdout).toMatch(/^2026-11-25T15:30:00\.000\+05:30\s+3$/m);
    // JSON keeps the numbers
    const json = await argus(['query', 'source:app | timechart span=1m count()', '--server', s.url, '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual([{ time: T0, count: 3 }]);
  });

  it('--since wants a unit: a bare number is bad usage with the fix named, 90s works', async () => {
    const bare = await argus(['query', '*', '--since', '90', '--server', s.url]);
    expect(bare.code).toBe(2);
    expect(oneSentence(bare.stderr)).toBe('argus: --since: "90" is a bare number: add a unit (90s, 90m, 90h, 90d), or give an RFC3339 time or epoch milliseconds (13 digits)');
    const ok = await argus(['query', 'source:app | stats count()', '--since', `${Math.ceil((Date.now() - T0) / 1000) + 60}s`, '--server', s.url, '-o', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([{ count: 3 }]);
  });
});

describe.skipIf(!hasSamples(EKS))('argus ingest', () => {
  const good = join(dir, 'good.log');
  const missing = join(dir, 'missing.log');
  const line = (id: string): string =>
    JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete', verb: 'get', requestURI: '/api/v1/pods', user: { username: 'alice' }, requestReceivedTimestamp: '2026-11-25T10:00:00.000000Z', stageTimestamp: '2026-11-25T10:00:00.001000Z' });
  writeFileSync(good, [line('g-1'), line('g-2'), '{"kind":"Event","auditID":', line('g-3')].join('\n') + '\n');

  for (const via of ['server', 'data'] as const) {
    it(`names the bad line, skips a missing file, reads an EKS export, and sums it up (--${via})`, async () => {
      const target = via === 'server' ? ['--server', s.url] : ['--data', join(dir, 'offline')];
      const r = await argus(['ingest', '--k8s-audit', good, missing, samplePath(EKS), ...target, '--cluster', 'newuser']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${good}:3: invalid JSON`);
      expect(r.stderr).toMatch(new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file or directory`));
      expect(r.stderr).toMatch(/eks_filterlogevents_response\.CONSTRUCTED\.json: record 5: message was truncated/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toContain(`${good}: 3 stored, 0 already there, 1 rejected`);
      expect(r.stdout).toContain(`${missing}: skipped: no such file or directory`);
      expect(r.stdout).toMatch(/eks_filterlogevents_response\.CONSTRUCTED\.json: 5 stored, 0 already there, 1 rejected/);
      expect(r.stdout).toMatch(/^Total: 2 of 3 files read \(1 failed\); 8 events stored, 0 already there, 2 rejected\.$/m);
      const again = await argus(['ingest', '--k8s-audit', good, samplePath(EKS), ...target, '--cluster', 'newuser', '-o', 'json']);
      expect(again.code).toBe(1);
      expect(JSON.parse(again.stdout)).toMatchObject({ files: 2, failedFiles: 0, accepted: 0, duplicates: 8, rejected: 2 });
    });
  }
});
