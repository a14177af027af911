/**
 * A real `argus server` child process for the fuzz tests, on 127.0.0.1 port 0 (the port is read
 * from its start-up line). A child process makes a crash (the process is gone) and a frozen
 * event loop (/healthz stops answering) observable. `reset()` replaces it by a fresh one on a new
 * data directory, so that the case after a failure (and every shrinking step) starts clean; after
 * the first reset a spare process is kept started, so shrinking does not wait for start-ups.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARGUS, ROOT } from '../../helpers/server-process.ts';
import { HealthMonitor } from './health-monitor.ts';

export const AUDIT_TOKEN = 'fuzz-token-0123456789abcdef';
export const AUDIT_TOKEN_CLUSTER = 'fuzz';
/** ingest body limit of the fuzz server (both the generic and the audit endpoint) */
export const BODY_LIMIT = 4 * 1024 * 1024;

const STDERR_KEEP = 16 * 1024;

function serverConfig(dir: string): Record<string, unknown> {
  return {
    data: join(dir, 'data'),
    listen: '127.0.0.1:0',
    logLevel: 'warn',
    bodyLimit: BODY_LIMIT,
    // small flushes so that fuzzed events also go through Parquet segments, not only the tail
    store: { flushEvents: 5000, flushInterval: '3s' },
    k8sAudit: { bodyLimit: BODY_LIMIT, tokens: [{ token: AUDIT_TOKEN, cluster: AUDIT_TOKEN_CLUSTER }], allowUnauthenticated: true },
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One child process on one data directory. */
class Child {
  url = '';
  exit: Exit | undefined;
  stderrTail = '';
  private expectExit = false;
  readonly proc: ChildProcess;

  private constructor(readonly dir: string) {
    const cfg = join(dir, 'config.json');
    writeFileSync(cfg, JSON.stringify(serverConfig(dir)));
    this.proc = spawn(process.execPath, [ARGUS, 'server', '--config', cfg], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.on('exit', (code, signal) => (this.exit = { code, signal }));
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderrTail = (this.stderrTail + d.toString()).slice(-STDERR_KEEP)));
  }

  /** Spawns on `dir` (a new directory when omitted) and resolves once it listens. */
  static async start(dir?: string): Promise<Child> {
    const c = new Child(dir ?? mkdtempSync(join(tmpdir(), 'argus-fuzz-')));
    c.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the fuzz server did not start within 60 s: ${c.stderrTail}`)), 60_000);
      const onData = (): void => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(c.stderrTail);
        if (!m) return;
        clearTimeout(timer);
        c.proc.stderr!.off('data', onData);
        resolve(m[1]!);
      };
      c.proc.stderr!.on('data', onData);
      c.proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the fuzz server exited during start-up (code ${code}, signal ${signal}): ${c.stderrTail.slice(-4000)}`));
      });
    });
    return c;
  }

  /** exited without being told to */
  crashed(): boolean {
    return this.exit !== undefined && !this.expectExit;
  }

  async signal(sig: NodeJS.Signals, waitMs: number): Promise<boolean> {
    if (this.exit) return true;
    this.expectExit = true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), waitMs);
      this.proc.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
      this.proc.kill(sig);
    });
  }

  async kill(): Promise<void> {
    if (!(await this.signal('SIGKILL', 10_000))) throw new Error(`server pid ${this.proc.pid} did not die on SIGKILL`);
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class FuzzServer {
  /** times the server was replaced (after failures) */
  resets = 0;
  /** processes that exited on their own */
  crashes = 0;
  readonly health = new HealthMonitor();
  private child: Child | undefined;
  private spare: Promise<Child> | undefined;

  /** `onStart` runs on every new process before it serves cases, e.g. to load a corpus for queries. */
  constructor(private readonly onStart: (s: FuzzServer) => Promise<void> = async () => undefined) {}

  get url(): string {
    return this.child?.url ?? '';
  }

  async start(): Promise<void> {
    await this.use(await Child.start());
  }

  private async use(c: Child): Promise<void> {
    this.child = c;
    this.health.watch(c.url);
    await this.onStart(this);
  }

  alive(): boolean {
    return this.child !== undefined && this.child.exit === undefined;
  }

  exitInfo(): Exit | undefined {
    return this.child?.exit;
  }

  stderr(max = 3000): string {
    return (this.child?.stderrTail ?? '').slice(-max);
  }

  /** Kills this process (SIGKILL: it may be frozen) and continues on a fresh one, new data directory. */
  async reset(): Promise<void> {
    this.resets++;
    const old = this.child;
    this.health.watch(null);
    if (old) {
      if (old.crashed()) this.crashes++;
      await old.destroy();
    }
    const next = this.spare ? await this.spare.catch(() => Child.start()) : await Child.start();
    this.spare = Child.start();
    this.spare.catch(() => undefined);
    await this.use(next);
  }

  /** SIGTERM, wait up to `graceMs` for the exit, then start again on the same data (WAL replay). */
  async restartSameData(graceMs: number): Promise<{ stoppedInMs: number; startedInMs: number }> {
    const c = this.child!;
    this.health.watch(null);
    const t0 = Date.now();
    const stopped = await c.signal('SIGTERM', graceMs);
    const stoppedInMs = Date.now() - t0;
    if (!stopped) {
      await c.kill();
      throw new Error(`the server did not exit within ${graceMs} ms of SIGTERM`);
    }
    const t1 = Date.now();
    await this.use(await Child.start(c.dir));
    return { stoppedInMs, startedInMs: Date.now() - t1 };
  }

  async close(): Promise<void> {
    this.health.watch(null);
    if (this.child) {
      if (this.child.crashed()) this.crashes++;
      if (!(await this.child.signal('SIGTERM', 10_000))) await this.child.kill();
      rmSync(this.child.dir, { recursive: true, force: true });
    }
    if (this.spare) await (await this.spare.catch(() => undefined))?.destroy();
    await this.health.close();
  }
}
