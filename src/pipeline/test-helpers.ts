/** Test helpers: a pipeline over a real embedded store in a temp dir, and metric reads. */
import { pino } from 'pino';
import { provenancePolicy } from '../core/index.ts';
import { createMetrics } from '../api/index.ts';
import type { Metrics } from '../api/index.ts';
import { openStore, tempDir } from '../store/embedded/test-helpers.ts';
import type { Store } from '../store/index.ts';
import { createPipeline } from './pipeline.ts';
import type { Pipeline, PipelineOptions } from './pipeline.ts';

const cleanups: (() => Promise<void> | void)[] = [];
/** runs (in reverse) what the helpers opened: call it in afterEach */
export async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

const policy = provenancePolicy([
  { name: 'generic', owns: { sources: 'unreserved', keyPrefixes: ['generic:'] } },
  { name: 'detection', owns: { sources: ['alert'], keyPrefixes: ['alert:'] } },
]);

export function makePipeline(store: Store, over: Partial<PipelineOptions> = {}): { pipeline: Pipeline; metrics: Metrics } {
  const metrics = createMetrics({ defaultMetrics: false });
  const pipeline = createPipeline({
    store,
    provenance: policy,
    metrics,
    logger: pino({ level: 'silent' }),
    queue: { maxEvents: 1000, maxBytes: 1 << 30 },
    alertOrigin: { receiver: 'detection' },
    alertRetry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    ...over,
  });
  cleanups.push(() => pipeline.stop());
  return { pipeline, metrics };
}

export async function started(): Promise<Store> {
  const { dir, cleanup } = tempDir();
  const store = openStore(dir);
  await store.start();
  cleanups.push(cleanup, () => store.stop());
  return store;
}

export async function metric(m: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const got = await m.registry.getSingleMetric(name)?.get();
  let total = 0;
  for (const v of got?.values ?? []) if (Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x)) total += v.value;
  return total;
}

