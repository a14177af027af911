import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgusError } from '../../core/index.ts';
import { DataDirLock, currentOwner, parseOwner, pidRunning, writeLockFile } from './data-dir-lock.ts';
import type { LockOwner } from './data-dir-lock.ts';
import { tempDir } from './test-helpers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** a pid that was just used and is now free (its process exited and was reaped) */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

async function refusal(p: Promise<unknown>): Promise<ArgusError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ArgusError);
  expect((e as ArgusError).code).toBe('DATA_DIR_LOCKED');
  return e as ArgusError;
}

function lockOwner(dir: string): LockOwner | undefined {
  return parseOwner(readFileSync(resolve(dir, 'LOCK'), 'utf8'));
}

describe('data-dir lock', () => {
  let dir: string;
  let cleanup: () => void;
  const locks: DataDirLock[] = [];
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    for (const l of locks.splice(0)) await l.release();
    cleanup();
  });
  const take = async (opts = {}): Promise<DataDirLock> => {
    const l = await DataDirLock.acquire(dir, opts);
    locks.push(l);
    return l;
  };

  it('writes the owner into LOCK, refuses a second taker naming the dir and pid, removes LOCK on release', async () => {
    const l = await take();
    const o = lockOwner(dir)!;
    expect(o.pid).toBe(process.pid);
    expect(o.token).toBe(l.owner.token);
    const e = await refusal(DataDirLock.acquire(dir));
    expect(e.message).toContain(dir);
    expect(e.message).toContain(`pid ${process.pid}`);
    await l.release();
    expect(existsSync(resolve(dir, 'LOCK'))).toBe(false);
    await l.release(); // twice is safe
    const again = await take();
    expect(lockOwner(dir)!.token).toBe(again.owner.token);
    expect(readdirSync(dir).sort()).toEqual(['LOCK']); // no temp file left
  });

  it('takes over the lock of a dead pid on this machine', async () => {
    const pid = deadPid();
    await writeLockFile(dir, { pid });
    const seen: string[] = [];
    const l = await take({ onTakeover: (prev: LockOwner | undefined, why: string) => seen.push(`${prev?.pid}: ${why}`) });
    expect(lockOwner(dir)!.token).toBe(l.owner.token);
    expect(seen).toEqual([`${pid}: its pid is not running`]);
  });

  it('refuses while the owner pid is alive, and takes over once that pid belongs to a later process', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      const procStart = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
      await writeLockFile(dir, { pid: child.pid!, procStart: procStart! });
      const e = await refusal(DataDirLock.acquire(dir));
      expect(e.message).toContain(`pid ${child.pid}`);
      expect(e.message).toContain(dir);
      // same pid, another start time: the owner died and the pid was reused
      await writeLockFile(dir, { pid: child.pid!, procStart: String(Number(procStart) + 1) });
      const l = await take();
      expect(lockOwner(dir)!.token).toBe(l.owner.token);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('counts a pid it may not signal (EPERM) as running, and only ESRCH as gone', () => {
    const failing = (code: string) => () => {
      throw Object.assign(new Error(code), { code });
    };
    expect(pidRunning(4242, failing('EPERM'))).toBe(true);
    expect(pidRunning(4242, failing('ESRCH'))).toBe(false);
    expect(pidRunning(process.pid)).toBe(true);
    expect(pidRunning(deadPid())).toBe(false);
  });

  it('takes over the lock of a zombie (exited, not yet reaped by its parent)', async () => {
    // sh starts a short sleep in the background, then becomes `sleep`, which never reaps it
    const sh = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 10'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((r) => sh.stdout.once('data', (d: Buffer) => r(d.toString()))));
      let state = '';
      for (let i = 0; i < 300 && state !== 'Z'; i++) {
        state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0]!;
        if (state !== 'Z') await new Promise((r) => setTimeout(r, 10));
      }
      expect(state).toBe('Z');
      await writeLockFile(dir, { pid });
      const seen: string[] = [];
      await take({ onTakeover: (_p: LockOwner | undefined, why: string) => seen.push(why) });
      expect(seen).toEqual(['its pid has exited (a zombie)']);
    } finally {
      sh.kill('SIGKILL');
    }
  });

  it('refuses a lock of pid 1 without a start time (cannot be told from its owner)', async () => {
    const { procStart: _drop, ...me } = currentOwner();
    await writeLockFile(dir, JSON.stringify({ ...me, pid: 1 }));
    const e = await refusal(DataDirLock.acquire(dir));
    expect(e.message).toContain('pid 1 ');
  });

  it('takes over a garbled or empty lock file', async () => {
    for (const text of ['{"pid": "not a number"', '', 'garbage\u0000\n']) {
      await writeLockFile(dir, text);
      const l = await take();
      expect(lockOwner(dir)!.token).toBe(l.owner.token);
      await l.release();
    }
  });

  it('takes over a lock left by a previous process with this pid (a restarted container), unless this process holds it', async () => {
    await writeLockFile(dir, { token: 'old' });
    const l = await take();
    expect(lockOwner(dir)!.token).toBe(l.owner.token);
    await refusal(DataDirLock.acquire(dir));
  });

  it('judges a lock of another machine by its heartbeat', async () => {
    await writeLockFile(dir, { hostname: 'elsewhere', bootId: 'another-boot', pid: process.pid });
    const e = await refusal(DataDirLock.acquire(dir, { staleAfterMs: 60_000 }));
    expect(e.message).toContain('host elsewhere');
    const old = new Date(Date.now() - 120_000);
    utimesSync(resolve(dir, 'LOCK'), old, old);
    const l = await take({ staleAfterMs: 60_000 });
    expect(lockOwner(dir)!.token).toBe(l.owner.token);
  });

  it('verify says when LOCK was removed or taken by another process, and touches it otherwise', async () => {
    const l = await take();
    const old = new Date(Date.now() - 60_000);
    utimesSync(resolve(dir, 'LOCK'), old, old);
    expect(await l.verify()).toBeUndefined();
    expect(Date.now() - statSync(resolve(dir, 'LOCK')).mtimeMs).toBeLessThan(30_000);
    rmSync(resolve(dir, 'LOCK'));
    expect(await l.verify()).toMatch(/was removed/);
    await writeLockFile(dir, { pid: 4242, hostname: 'h2' });
    expect(await l.verify()).toMatch(/now belongs to pid 4242 on host h2/);
    await l.release();
    expect(lockOwner(dir)!.pid).toBe(4242); // not ours: left alone
  });

  it('of many concurrent takers of one stale lock, exactly one wins (in one process)', async () => {
    const pid = deadPid();
    for (let round = 0; round < 20; round++) {
      await writeLockFile(dir, { pid });
      const r = await Promise.allSettled(Array.from({ length: 8 }, () => DataDirLock.acquire(dir)));
      const won = r.filter((x) => x.status === 'fulfilled').map((x) => x.value);
      expect(won).toHaveLength(1);
      for (const x of r) if (x.status === 'rejected') expect((x.reason as ArgusError).code).toBe('DATA_DIR_LOCKED');
      expect(lockOwner(dir)!.token).toBe(won[0]!.owner.token);
      await won[0]!.release();
    }
  });

  it('of several processes starting at once against a stale lock, exactly one wins; its exit releases the lock', async () => {
    await writeLockFile(dir, { pid: deadPid() });
    const goAt = Date.now() + 2500;
    const script = `
      import { DataDirLock } from './src/store/embedded/data-dir-lock.ts';
      await new Promise((r) => setTimeout(r, ${goAt} - Date.now()));
      try { await DataDirLock.acquire(process.env.LOCK_DIR); console.log('WON'); await new Promise((r) => setTimeout(r, 1500)); process.exit(0); }
      catch (e) { console.log(e.code ?? String(e)); }`;
    const runs = Array.from({ length: 4 }, () =>
      new Promise<string>((res) => {
        const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, LOCK_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.on('exit', () => res(out.trim()));
      }),
    );
    const outs = (await Promise.all(runs)).sort();
    expect(outs).toEqual(['DATA_DIR_LOCKED', 'DATA_DIR_LOCKED', 'DATA_DIR_LOCKED', 'WON']);
    expect(existsSync(resolve(dir, 'LOCK'))).toBe(false);
  });
});
