/**
 * The data-dir lock: one process at a time owns a data directory. `<data>/LOCK` holds the
 * owner (pid, host, boot id, process start time, command, a random token); it is created whole
 * (written to a temp file, then `link`ed into place, which fails if LOCK exists), removed on
 * release (and on process exit), and taken over when its owner is dead: on this machine when
 * the pid is gone, a zombie, or a different process (its start time differs: pid reuse); on
 * another machine (or boot) when its heartbeat (the file's mtime, touched by `verify`) is older
 * than `staleAfterMs`. A takeover holds `LOCK.takeover` (created exclusively) while it checks that
 * LOCK is still the file it judged (same inode) and removes it; then it links its own like any
 * starter, so of several starters racing for one stale lock exactly one wins. Only a takeover
 * killed inside its few-ms window leaves the guard, removed by the next one after 5 s; a second
 * fault in that moment could let two win, and the loser then sees its lock gone (`verify`).
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, realpath, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { ArgusError } from '../../core/index.ts';
import { isNotFound } from './fsutil.ts';

export const LOCK_FILE = 'LOCK';

/** What LOCK holds (one JSON line). */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** /proc/sys/kernel/random/boot_id: tells this machine and boot from another (Linux) */
  bootId?: string;
  /** field 22 of /proc/<pid>/stat (clock ticks since boot): tells the owner from a later process with its pid */
  procStart?: string;
  /** ISO time the lock was taken */
  startedAt: string;
  /** e.g. `argus server` */
  command: string;
  token: string;
}

export interface LockOptions {
  /** a lock of another machine (or boot) whose heartbeat is older than this is stale (default 30 s) */
  staleAfterMs?: number;
  /** told when a stale lock is taken over (who owned it and why it was judged dead) */
  onTakeover?: (previous: LockOwner | undefined, why: string) => void;
}

/** link/takeover rounds before giving up (each round either wins, refuses, saw the lock change or waited for a takeover) */
const MAX_ROUNDS = 25;
/** pause when another starter holds the takeover guard */
const GUARD_WAIT_MS = 20;
/** a takeover guard older than this was left by a starter that died in its takeover */
const GUARD_STALE_MS = 5000;
const DEFAULT_STALE_AFTER_MS = 30_000;

/** locks this process holds, by directory: released on exit, and a second open in-process is refused */
const held = new Map<string, DataDirLock>();
let exitHook = false;

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Field 22 (starttime) and field 3 (state) of /proc/<pid>/stat; undefined off Linux. */
function procStat(pid: number): { start: string; state: string } | undefined {
  const s = readOr(`/proc/${pid}/stat`);
  if (s === undefined) return undefined;
  // the command (field 2) is in parentheses and may hold spaces: count fields after the last ')'
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return f.length > 19 ? { state: f[0]!, start: f[19]! } : undefined;
}

function describeCommand(): string {
  const script = process.argv[1] ? basename(process.argv[1]).replace(/\.[cm]?[jt]s$/, '') : 'node';
  const sub = process.argv[2];
  return sub && /^[a-z][a-z-]*$/.test(sub) ? `${script} ${sub}` : script;
}

export function currentOwner(): LockOwner {
  const bootId = readOr('/proc/sys/kernel/random/boot_id');
  const procStart = procStat(process.pid)?.start;
  return {
    pid: process.pid,
    hostname: hostname(),
    ...(bootId ? { bootId } : {}),
    ...(procStart ? { procStart } : {}),
    startedAt: new Date().toISOString(),
    command: describeCommand(),
    token: randomBytes(8).toString('hex'),
  };
}

export function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o !== 'object' || o === null || !Number.isSafeInteger(o.pid) || (o.pid ?? 0) <= 0 || typeof o.hostname !== 'string') return undefined;
    return { startedAt: '', command: '', token: '', ...o } as LockOwner;
  } catch {
    return undefined;
  }
}

/** Whether `pid` exists: signal 0 checks without sending; EPERM (another user's process) means it exists. */
export function pidRunning(pid: number, kill: (pid: number, signal: number) => unknown = process.kill.bind(process)): boolean {
  try {
    kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Why the owner is dead (undefined = alive, or cannot be told from alive). `mtimeMs` is the
 * lock's last heartbeat, used only for an owner on another machine or boot.
 */
export function deadOwner(o: LockOwner, mtimeMs: number, key: string, staleAfterMs: number, now = Date.now()): string | undefined {
  const me = currentOwner();
  const sameMachine = o.bootId && me.bootId ? o.bootId === me.bootId : o.hostname === me.hostname;
  if (!sameMachine) {
    const age = now - mtimeMs;
    return age > staleAfterMs ? `its owner is on another machine or boot and its heartbeat is ${Math.round(age / 1000)} s old` : undefined;
  }
  if (o.pid === process.pid) return held.has(key) ? undefined : 'its pid is this process (a previous process or container with the same pid)';
  if (!pidRunning(o.pid)) return 'its pid is not running';
  const st = procStat(o.pid);
  if (st?.state === 'Z' || st?.state === 'X') return 'its pid has exited (a zombie)';
  if (st && o.procStart && st.start !== o.procStart) return 'its pid now belongs to another process (started later)';
  return undefined;
}

function lockedError(dir: string, o: LockOwner | undefined, why?: string): ArgusError {
  const who = o ? `pid ${o.pid} on host ${o.hostname}${o.command ? `, ${o.command}` : ''}${o.startedAt ? `, since ${o.startedAt}` : ''}` : 'another process';
  const msg = why
    ? `The data directory ${dir} is locked by another process (${who}): ${why}`
    : `The data directory ${dir} is in use by another Argus process (${who}); stop it or use another data directory`;
  return new ArgusError('DATA_DIR_LOCKED', msg, { dir, ...(o ? { pid: o.pid, hostname: o.hostname } : {}) });
}

function onExit(): void {
  for (const l of held.values()) l.releaseSync();
}

export class DataDirLock {
  private released = false;

  private constructor(
    readonly dir: string,
    readonly path: string,
    readonly owner: LockOwner,
    private readonly text: string,
    /** the directory's real path: the key of `held` */
    private readonly key: string,
  ) {}

  /** Takes the lock of `dir` (which must exist) or throws DATA_DIR_LOCKED naming the owner. */
  static async acquire(dir: string, opts: LockOptions = {}): Promise<DataDirLock> {
    const staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    const path = join(dir, LOCK_FILE);
    const key = await realpath(dir);
    if (held.has(key)) throw lockedError(dir, held.get(key)!.owner, 'this process already has it open');
    const owner = currentOwner();
    const text = `${JSON.stringify(owner)}\n`;
    const tmp = `${path}.${owner.pid}.${owner.token}.tmp`;
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        try {
          await link(tmp, path);
          const lock = new DataDirLock(dir, path, owner, text, key);
          held.set(key, lock);
          if (!exitHook) {
            exitHook = true;
            process.on('exit', onExit);
          }
          return lock;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const seen = await readLock(path);
        if (!seen) continue; // released meanwhile: link again
        const why = seen.owner ? deadOwner(seen.owner, seen.mtimeMs, key, staleAfterMs) : 'it is not a lock this version wrote (garbled)';
        if (!why) throw lockedError(dir, seen.owner);
        if (await takeOver(path, seen.ino)) opts.onTakeover?.(seen.owner, why);
        else await new Promise((r) => setTimeout(r, GUARD_WAIT_MS));
      }
      throw lockedError(dir, undefined, `its lock kept changing during ${MAX_ROUNDS} attempts`);
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  /**
   * Whether LOCK is still this process's (undefined) or why not; touches it (the heartbeat
   * another machine judges it by). Cheap: one small read and a utimes.
   */
  async verify(): Promise<string | undefined> {
    if (this.released) return 'the lock was released';
    let now: string;
    try {
      now = await readFile(this.path, 'utf8');
    } catch (e) {
      return isNotFound(e) ? `its lock file ${this.path} was removed` : `its lock file ${this.path} cannot be read: ${(e as Error).message}`;
    }
    if (now !== this.text) {
      const o = parseOwner(now);
      return o ? `its lock file ${this.path} now belongs to pid ${o.pid} on host ${o.hostname}` : `its lock file ${this.path} was overwritten`;
    }
    const t = new Date();
    await utimes(this.path, t, t).catch(() => undefined);
    return undefined;
  }

  /** Removes LOCK if it is still ours. Safe twice. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    held.delete(this.key);
    try {
      if ((await readFile(this.path, 'utf8')) === this.text) await unlink(this.path);
    } catch {
      // gone already, or unreadable: nothing of ours to remove
    }
  }

  /** `release` for the process's exit handler. */
  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.key);
    try {
      if (readFileSync(this.path, 'utf8') === this.text) unlinkSync(this.path);
    } catch {
      // as in release
    }
  }
}

async function readLock(path: string): Promise<{ owner: LockOwner | undefined; ino: number; mtimeMs: number } | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  try {
    const st = await fh.stat();
    const text = (await fh.readFile('utf8')).slice(0, 64 * 1024);
    return { owner: parseOwner(text), ino: st.ino, mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}

/**
 * Removes the stale lock (inode `ino`) under the takeover guard, if LOCK is still that file.
 * False when another starter holds the guard (the caller waits and reads LOCK again).
 */
async function takeOver(path: string, ino: number): Promise<boolean> {
  const guard = `${path}.takeover`;
  try {
    await (await open(guard, 'wx')).close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const st = await stat(guard).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > GUARD_STALE_MS) await unlink(guard).catch(() => undefined);
    return false;
  }
  try {
    // only a guard holder removes another's lock, and an inode is not reused while its file exists
    const now = await stat(path).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
    if (now?.ino === ino) await unlink(path);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
  return true;
}

/** Writes a lock file as another owner would (tests). */
export async function writeLockFile(dir: string, owner: Partial<LockOwner> | string): Promise<void> {
  const text = typeof owner === 'string' ? owner : `${JSON.stringify({ ...currentOwner(), ...owner })}\n`;
  await writeFile(join(dir, LOCK_FILE), text);
}
