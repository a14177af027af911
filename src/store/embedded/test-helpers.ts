/** Test helpers: a store in a fresh temp dir with a silent (or capturing) logger. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { embeddedStoreConfigSchema as storeConfigSchema } from './config.ts';
import type { EmbeddedStoreConfig as StoreConfig } from './config.ts';
import { createEmbeddedStore } from './store.ts';
import type { EmbeddedStore, EmbeddedStoreOptions } from './store.ts';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'argus-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CapturedLog {
  logger: Logger;
  lines: { level: number; msg: string }[];
}

export function captureLogger(): CapturedLog {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  return { logger, lines };
}

export function config(over: Partial<StoreConfig> = {}): StoreConfig {
  return { ...storeConfigSchema.parse({}), flushInterval: '1h', ...over };
}

export function openStore(dir: string, over: Partial<StoreConfig> = {}, extra: Partial<EmbeddedStoreOptions> = {}): EmbeddedStore {
  return createEmbeddedStore({
    dataDir: dir,
    config: config(over),
    logger: pino({ level: 'silent' }),
    maintenanceIntervalMs: 0,
    ...extra,
  });
}
