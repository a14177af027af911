/** An in-process Argus app on a temp data dir, for HTTP tests with fastify.inject. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';

export interface TestApp {
  app: App;
  dir: string;
  close(): Promise<void>;
}

export async function startTestApp(config: Record<string, unknown> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'argus-app-'));
  const app = createApp({ data: join(dir, 'data'), listen: '127.0.0.1:0', ...config }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  // the same pipeline as the server (store, detection, fan-out), without listening: tests use inject
  await app.open();
  await app.http.ready();
  return {
    app,
    dir,
    async close() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function metricValue(app: App, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await app.metrics.registry.getSingleMetric(name)?.get();
  if (!m) return 0;
  let total = 0;
  for (const v of m.values) {
    if (Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val)) total += v.value;
  }
  return total;
}
