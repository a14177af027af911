/**
 * GET /healthz (process alive), /readyz (store replayed and writable: 503 with the reason when it
 * cannot write, e.g. its data-dir lock was lost or its WAL failed; the body says when detection is
 * still catching up), /metrics (Prometheus text).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';

export function registerHealthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (!deps.isReady()) return reply.status(503).send({ status: 'starting' });
    const h = deps.store.health();
    if (!h.writable) return reply.status(503).send({ status: 'unwritable', reason: h.reason ?? 'The store cannot write' });
    return { status: 'ready', ...deps.readiness?.() };
  });
  app.get('/metrics', async (_req, reply) => {
    const s = await deps.store.stats();
    deps.metrics.walBytes.set(s.walBytes);
    deps.metrics.segments.set(s.segments);
    deps.metrics.segmentBytes.set(s.segmentBytes);
    deps.metrics.tailRows.set(s.tailRows);
    deps.metrics.pendingRows.set(s.pendingRows);
    deps.metrics.walTornFrames.set(s.walTornFrames);
    deps.metrics.quarantinedSegments.set(s.quarantinedSegments ?? 0);
    deps.metrics.quarantinedBatches.set(s.quarantinedBatches ?? 0);
    deps.metrics.quarantinedEvents.set(s.quarantinedEvents ?? 0);
    const text = await deps.metrics.registry.metrics();
    return reply.header('content-type', deps.metrics.registry.contentType).send(text);
  });
}
