/**
 * The contract every registered component keeps (the OpenTelemetry Collector's generated lifecycle
 * tests and Vector's component compliance assertions are the models), run over every factory of
 * the default registry: a new component gets these checks by being listed there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { ComponentContext, ComponentFactory, Lifecycle } from '../../src/core/index.ts';
import { parseConfig } from '../../src/core/index.ts';
import { RECEIVER_METRIC_NAMES } from '../../src/api/index.ts';
import { DEFAULT_REGISTRY, parseServerConfig } from '../../src/registry.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logger = pino({ level: 'silent' });
let n = 0;
const ctx = (f: ComponentFactory): ComponentContext => ({ name: f.type, logger, dataDir: join(dir, `${f.kind}-${f.type}-${n++}`) });

/** the component's config section in the server config, with `inner` as its body */
function section(f: ComponentFactory, inner: Record<string, unknown>): Record<string, unknown> {
  return f.kind === 'store' ? { store: { type: f.type, ...inner } } : { receivers: { [f.type]: inner } };
}

const factories: ComponentFactory[] = [...DEFAULT_REGISTRY.receivers, ...DEFAULT_REGISTRY.stores];

describe.each(factories.map((f) => [`${f.kind} ${f.type}`, f] as const))('%s', (_name, factory) => {
  it('parses its default config, alone and as its server config section', () => {
    expect(() => parseConfig(factory.configSchema, {})).not.toThrow();
    expect(() => parseServerConfig(section(factory, {}))).not.toThrow();
  });

  it('fails on an unknown key, naming its path', () => {
    expect(() => parseConfig(factory.configSchema, { noSuchKey: 1 }, factory.type)).toThrow(/Unrecognized key.*noSuchKey/);
    const where = factory.kind === 'store' ? /server config: store: Unrecognized key.*noSuchKey/ : new RegExp(`server config: receivers\\.${factory.type}: Unrecognized key.*noSuchKey`);
    expect(() => parseServerConfig(section(factory, { noSuchKey: 1 }))).toThrow(where);
  });

  it('is safe to stop without start, and to stop twice after start', async () => {
    const cfg = parseConfig(factory.configSchema, {});
    const never = factory.create(ctx(factory), cfg) as Lifecycle;
    await never.stop();
    await never.stop();
    const started = factory.create(ctx(factory), cfg) as Lifecycle;
    await started.start();
    await started.stop();
    await started.stop();
  });
});

describe('standard metrics', () => {
  it('every receiver shows its request, event, byte and latency metrics after one request through the seam', async () => {
    const app = createApp({ data: join(dir, 'metrics'), listen: '127.0.0.1:0', detection: { builtin: false } }, { logger, defaultMetrics: false });
    await app.start();
    try {
      expect(app.receivers.map((r) => r.name).length).toBe(DEFAULT_REGISTRY.receivers.length);
      for (const r of app.receivers) {
        const route = r.routes[0]!;
        const res = await app.http.inject({ method: route.method, url: route.paths[0]!, payload: 'not a batch', headers: { 'content-type': 'text/plain' } });
        expect(res.statusCode, r.name).toBeGreaterThanOrEqual(200);
      }
      const text = (await app.http.inject({ method: 'GET', url: '/metrics' })).body;
      for (const r of app.receivers) {
        for (const m of RECEIVER_METRIC_NAMES) {
          const series = m.endsWith('_seconds') ? `${m}_count` : m;
          expect(text, `${m} for ${r.name}`).toMatch(new RegExp(`^${series}\\{receiver="${r.name}"(,status="\\d+")?\\} \\d+$`, 'm'));
        }
        expect(text).toMatch(new RegExp(`^argus_receiver_requests_total\\{receiver="${r.name}",status="4\\d\\d"\\} 1$`, 'm'));
      }
      // the store: the common StoreStats fields, then the backend's extras
      for (const m of ['argus_store_rows', 'argus_store_bytes', 'argus_tail_pending_rows', 'argus_store_quarantined_segments', 'argus_store_quarantined_events_total']) {
        expect(text, m).toMatch(new RegExp(`^${m} \\d+$`, 'm'));
      }
      const extra = (await app.store.stats()).extra;
      expect(Object.keys(extra).length).toBeGreaterThan(0);
      expect(text).toMatch(/^argus_wal_bytes \d+$/m);
    } finally {
      await app.stop();
    }
  });
});
