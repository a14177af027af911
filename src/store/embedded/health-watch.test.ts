import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgusError } from '../../core/index.ts';
import type { EmbeddedStore } from './store.ts';
import { writeLockFile } from './data-dir-lock.ts';
import { auditEvent } from './test-events.ts';
import { openStore, tempDir } from './test-helpers.ts';

/** Waits (bounded) until the store says it cannot write; returns the reason. */
async function unwritable(store: EmbeddedStore): Promise<string> {
  for (let i = 0; i < 200 && store.health().writable; i++) await new Promise((r) => setTimeout(r, 10));
  const h = store.health();
  expect(h.writable).toBe(false);
  return h.reason!;
}

async function appendError(store: EmbeddedStore): Promise<ArgusError> {
  const e = await store.append([auditEvent(1)]).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ArgusError);
  return e as ArgusError;
}

describe('store health and the data-dir lock', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await store?.stop();
    cleanup();
  });

  it('stays writable across WAL rotations and the deletion of flushed WAL files (no false alarm)', async () => {
    // found by the fuzz test: a check that ran while a flush rotated the WAL judged the closed
    // handle "deleted" and the store refused every write until restarted
    store = openStore(dir, { flushEvents: 5 }, { healthCheckIntervalMs: 0 });
    await store.start();
    for (let i = 0; i < 60; i++) {
      const appended = store.append([auditEvent(i * 2), auditEvent(i * 2 + 1)]);
      const flushed = i % 3 === 0 ? store.flush() : Promise.resolve();
      // health rounds interleaved with appends, rotations and WAL deletions
      await Promise.all([appended, flushed, store.checkHealth(), store.checkHealth()]);
      expect(store.health(), `round ${i}`).toEqual({ writable: true });
    }
  });

  it('is writable only while running; the lock is held while running and removed on stop', async () => {
    store = openStore(dir, {}, { healthCheckIntervalMs: 10 });
    expect(store.health()).toEqual({ writable: false, reason: 'The store is starting' });
    await store.start();
    expect(store.health()).toEqual({ writable: true });
    expect(existsSync(join(dir, 'LOCK'))).toBe(true);
    const other = openStore(dir);
    const e = await other.start().then(() => undefined, (err: unknown) => err as ArgusError);
    expect(e?.code).toBe('DATA_DIR_LOCKED');
    expect(e?.message).toContain(dir);
    expect(e?.message).toContain(`pid ${process.pid}`);
    await other.stop();
    await store.stop();
    expect(store.health()).toEqual({ writable: false, reason: 'The store is stopped' });
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
    // released: the next store starts
    store = openStore(dir);
    await store.start();
    expect((await store.append([auditEvent(1)])).accepted).toBe(1);
  });

  it('turns unwritable and refuses appends once its lock file is removed', async () => {
    store = openStore(dir, {}, { healthCheckIntervalMs: 10 });
    await store.start();
    rmSync(join(dir, 'LOCK'));
    expect(await unwritable(store)).toMatch(/lost its data-dir lock \(its lock file .*LOCK was removed\)/);
    expect((await appendError(store)).code).toBe('DATA_DIR_LOCKED');
  });

  it('turns unwritable once another process took its lock over', async () => {
    store = openStore(dir, {}, { healthCheckIntervalMs: 10 });
    await store.start();
    await writeLockFile(dir, { pid: 999_999, hostname: 'intruder' });
    expect(await unwritable(store)).toMatch(/now belongs to pid 999999 on host intruder/);
    expect((await appendError(store)).code).toBe('DATA_DIR_LOCKED');
    await store.stop();
    expect(existsSync(join(dir, 'LOCK'))).toBe(true); // the other owner's lock is left alone
  });

  it('turns unwritable and refuses appends once the WAL directory is gone', async () => {
    store = openStore(dir, {}, { healthCheckIntervalMs: 10 });
    await store.start();
    expect((await store.append([auditEvent(1)])).accepted).toBe(1);
    rmSync(join(dir, 'wal'), { recursive: true, force: true });
    expect(await unwritable(store)).toMatch(/WAL directory .* is gone/);
    expect((await appendError(store)).code).toBe('STORE_IO');
  });

  it('turns unwritable once the open WAL file is deleted', async () => {
    store = openStore(dir, {}, { healthCheckIntervalMs: 10 });
    await store.start();
    for (const f of readdirSync(join(dir, 'wal'))) rmSync(join(dir, 'wal', f));
    expect(await unwritable(store)).toMatch(/open WAL file was deleted/);
  });
});
