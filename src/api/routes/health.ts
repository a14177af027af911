/**
 * GET /healthz (process alive), /readyz (store replayed and writable: 503 with the reason when it
 * cannot write, e.g. its data-dir lock was lost or its WAL failed; the body says when detection is
 * still catching up), /metrics (Prometheus text).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { registerStatsMetrics } from '../stats-metrics.ts';

export function registerHealthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (!deps.isReady()) return reply.status(503).send({ status: 'starting' });
    const h = deps.store.health();
    if (!h.writable) return reply.status(503).send({ status: 'unwritable', reason: h.reason ?? 'The store cannot write' });
    return { status: 'ready', ...deps.readiness?.() };
  });
  // store and detection stats are read at scrape time (stats-metrics.ts): /metrics stays cheap
  const detection = deps.detection;
  registerStatsMetrics(deps.metrics.registry, { store: () => deps.store.stats(), ...(detection ? { detection: () => detection.stats() } : {}) });
  app.get('/metrics', async (_req, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.header('content-type', deps.metrics.registry.contentType).send(text);
  });
}
