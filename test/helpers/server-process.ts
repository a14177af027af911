/** Starts `argus server` as a real child process on a free port, for crash and CLI tests. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARGUS = resolve(ROOT, 'bin/argus.js');

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface ServerProc {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
}

export async function startServer(dataDir: string, port: number, extraArgs: string[] = []): Promise<ServerProc> {
  const proc = spawn(process.execPath, [ARGUS, 'server', '--data', dataDir, '--listen', `127.0.0.1:${port}`, ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ARGUS_LOG_LEVEL: 'warn' },
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  proc.stdout!.on('data', () => undefined);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}: ${err}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server did not become ready: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, url, stderr: () => err };
}

export async function killHard(p: ServerProc): Promise<void> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  await new Promise<void>((res) => {
    p.proc.once('exit', () => res());
    p.proc.kill('SIGKILL');
  });
}

export async function stopGracefully(p: ServerProc): Promise<void> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  await new Promise<void>((res) => {
    p.proc.once('exit', () => res());
    p.proc.kill('SIGTERM');
  });
}
