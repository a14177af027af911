/**
 * Issue 15, item 2: a wildcard pattern must not freeze the server. Before the fix, a live tail on
 * `*e*e*e*e*e*e*e*e*zq` plus one ordinary 233-character line blocked the event loop (health checks
 * included) for minutes, and `*a*a*a*a*a*a*b` over a 200-character message took over 40 s in a
 * query. The server runs in a child process so a frozen event loop shows as a health timeout here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProc } from '../helpers/server-process.ts';
import { freePort, killHard, startServer } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-wildcard-'));
let server: ServerProc;

beforeAll(async () => {
  server = await startServer(join(dir, 'data'), await freePort());
});
afterAll(async () => {
  if (server) await killHard(server);
  rmSync(dir, { recursive: true, force: true });
});

/** The bug is an unbounded hang, so a generous bound tells the two apart without timing the work. */
const HANG = 5000;

async function healthy(): Promise<boolean> {
  const r = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(HANG) });
  return r.ok;
}

async function post(events: unknown[]): Promise<number> {
  const r = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
    signal: AbortSignal.timeout(HANG),
  });
  return r.status;
}

describe('pathological wildcard patterns (issue 15 item 2)', () => {
  it('a live tail on *e*e*e*e*e*e*e*e*zq leaves the server answering', async () => {
    const ac = new AbortController();
    const res = await fetch(`${server.url}/api/v1/tail?q=${encodeURIComponent('*e*e*e*e*e*e*e*e*zq')}`, { signal: ac.signal });
    expect(res.status).toBe(200);
    const line =
      'E1203 10:12:01.123456 1 reflector.go:324] k8s.io/client-go/informers/factory.go:150: watch of *v1.Secret ended ' +
      'with: very short watch: the server has been asked to end the request here, we retry after the backoff elapsed (attempt #3)';
    expect(line.length).toBe(233);
    expect(await post([{ source: 'container', message: line }])).toBe(200);
    expect(await healthy()).toBe(true);
    ac.abort();
  });

  it('queries with many stars answer, over free text and over fields, and find what matches', async () => {
    const long = 'a'.repeat(200);
    expect(await post([{ source: 'container', message: long }, { source: 'container', message: `${long}b`, namespace: long }])).toBe(200);
    const ask = async (q: string): Promise<string[]> => {
      const r = await fetch(`${server.url}/api/v1/query?q=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(HANG) });
      expect(r.status).toBe(200);
      const body = (await r.json()) as { events: { message: string }[] };
      // only this test's events (the tail test's line also has six a's before a b)
      return body.events.map((e) => e.message).filter((m) => m.startsWith('aaaa'));
    };
    expect(await ask('*a*a*a*a*a*a*b')).toEqual([`${long}b`]);
    expect(await ask('message:*a*a*a*a*a*a*b')).toEqual([`${long}b`]);
    expect(await ask('namespace:*a*a*a*a*a*a*b')).toEqual([]);
    expect(await ask('namespace:*a*a*a*a*a*a*')).toEqual([`${long}b`]);
    expect(await healthy()).toBe(true);
  });
});
