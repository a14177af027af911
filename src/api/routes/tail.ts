/** GET /api/v1/tail?q= : live tail over Server-Sent Events, filtered by the query's filter. */
import type { FastifyInstance } from 'fastify';
import type { LogEvent } from '../../core/index.ts';
import { compileFilter, parseQuery } from '../../query/index.ts';
import type { ApiDeps } from '../deps.ts';

/** Per-client bound: a client that cannot keep up loses events (counted), never the server's memory. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

export function registerTailRoutes(app: FastifyInstance, deps: ApiDeps): void {
  // a stream never ends by itself: end them all when the server closes
  const streams = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of streams) end();
    done();
  });
  app.get('/api/v1/tail', (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const plan = parseQuery(q.q ?? '');
    const match = compileFilter(plan.filter);
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(': argus live tail\n\n');
    deps.metrics.tailClients.inc();
    const onBatch = (events: LogEvent[]): void => {
      for (const e of events) {
        if (!match(e)) continue;
        if (raw.writableLength > MAX_PENDING_BYTES) {
          deps.metrics.dropped.inc({ reason: 'slow_tail_client' });
          continue;
        }
        raw.write(`id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`);
      }
    };
    const unsubscribe = deps.store.subscribe(onBatch);
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      streams.delete(end);
      unsubscribe();
      deps.metrics.tailClients.dec();
    };
    const end = (): void => void raw.end();
    streams.add(end);
    raw.on('close', close);
    raw.on('error', close);
  });
}
