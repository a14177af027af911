import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddedStore } from './store.ts';
import { openStore, tempDir } from './test-helpers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Runs the child until `killAfterAcks` acks have arrived plus a random delay, then SIGKILLs it. */
function runAndKill(dir: string, seed: number, killAfterAcks: number, extraMs: number): Promise<string[]> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['bin/run-ts.js', 'src/store/embedded/crash-child.ts', dir, String(seed)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let buf = '';
    let acks = 0;
    let armed = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('ACK ')) continue;
        acked.push(...line.slice(4).split(','));
        if (++acks >= killAfterAcks && !armed) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), extraMs);
        }
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') res(acked);
      else rej(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('crash safety (kill -9 in a child process)', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore | undefined;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await store?.stop();
    cleanup();
  });

  it('keeps every acknowledged event exactly once across repeated SIGKILLs', async () => {
    const acked: string[] = [];
    for (let run = 1; run <= 4; run++) {
      const ids = await runAndKill(dir, run, 5 + Math.floor(Math.random() * 60), Math.floor(Math.random() * 400));
      expect(ids.length).toBeGreaterThan(0);
      acked.push(...ids);
    }
    store = openStore(dir);
    await store.start();
    const r = await store.query({ plan: { filter: { op: 'true' }, stages: [] }, limit: 10_000_000 });
    if (r.kind !== 'events') throw new Error('expected events');
    const counts = new Map<string, number>();
    for (const e of r.events) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    const missing = acked.filter((id) => !counts.has(id));
    const doubled = [...counts].filter(([, n]) => n > 1);
    expect(missing).toEqual([]);
    expect(doubled).toEqual([]);
    expect(new Set(acked).size).toBe(acked.length);
  }, 120_000);
});
