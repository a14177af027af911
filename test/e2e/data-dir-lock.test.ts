/**
 * The data-dir lock across real processes: while `argus server` runs on a directory, a second
 * server and `argus ingest --data` on it refuse at once (one sentence naming the directory and
 * the owner's pid, exit code 1, no stack trace) and the first server keeps serving; after
 * `kill -9` of the first, a new server takes the stale lock over. Then /readyz turns unready
 * once the lock file is taken away, and writes are refused.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARGUS, ROOT, freePort, killHard, startServer, stopGracefully } from '../helpers/server-process.ts';
import type { ServerProc } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-lock-'));
const data = join(dir, 'data');
const servers: ServerProc[] = [];
afterAll(async () => {
  for (const s of servers) await killHard(s);
  rmSync(dir, { recursive: true, force: true });
});

const audit = join(dir, 'audit.log');
writeFileSync(
  audit,
  `${JSON.stringify({
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'lock-test-1', stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods', verb: 'list', user: { username: 'alice' }, sourceIPs: ['10.0.0.1'],
    objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' }, responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-12-01T10:00:00.000000Z', stageTimestamp: '2026-12-01T10:00:00.100000Z',
  })}\n`,
);

/** Runs `argus ...args` to its end (at most 20 s). */
function argus(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [ARGUS, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ARGUS_LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      rej(new Error(`argus ${args.join(' ')} did not end: ${stderr}`));
    }, 20_000);
    p.on('exit', (code) => {
      clearTimeout(t);
      res({ code, stdout, stderr });
    });
  });
}

function expectRefusal(r: { code: number | null; stderr: string }, pid: number): void {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^argus: (the server did not start: )?The data directory .* is in use by another Argus process/);
  expect(lines[0]).toContain(data);
  expect(lines[0]).toContain(`pid ${pid} `);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('data-dir lock (real processes)', () => {
  it('refuses a second server and ingest --data while one runs, and takes over after kill -9', async () => {
    const first = await startServer(data, await freePort());
    servers.push(first);
    const pid = first.proc.pid!;

    const [second, ingest] = await Promise.all([
      argus(['server', '--data', data, '--listen', `127.0.0.1:${await freePort()}`]),
      argus(['ingest', '--data', data, '--k8s-audit', audit]),
    ]);
    expectRefusal(second, pid);
    expectRefusal(ingest, pid);

    // the first server was not disturbed: still ready, still writing
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    const post = await fetch(`${first.url}/api/v1/events`, { method: 'POST', body: JSON.stringify({ source: 'locktest', message: 'one' }), headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(200);

    await killHard(first);
    const next = await startServer(data, await freePort());
    servers.push(next);
    expect(next.stderr()).toMatch(/Took over the stale data-dir lock: its pid is not running/);
    const q = await fetch(`${next.url}/api/v1/query?q=${encodeURIComponent('source="locktest"')}`);
    expect(q.status).toBe(200);
    expect(((await q.json()) as { events: unknown[] }).events).toHaveLength(1);

    // the lock file taken away: /readyz turns unready with the reason, and writes are refused
    unlinkSync(join(data, 'LOCK'));
    const deadline = Date.now() + 8000;
    let ready = await fetch(`${next.url}/readyz`);
    while (ready.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await fetch(`${next.url}/readyz`);
    }
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; reason: string };
    expect(body.status).toBe('unwritable');
    expect(body.reason).toMatch(/lost its data-dir lock .*LOCK was removed/);
    const refused = await fetch(`${next.url}/api/v1/events`, { method: 'POST', body: JSON.stringify({ source: 'locktest', message: 'two' }), headers: { 'content-type': 'application/json' } });
    expect(refused.status).toBe(503);
    await stopGracefully(next);
  });
});
