/** GET /api/v1/tail?q= : live tail over Server-Sent Events, filtered by the query's filter (fan-out: tail-hub.ts). */
import type { FastifyInstance } from 'fastify';
import { ArgusError } from '../../core/index.ts';
import { compileFilter, parseQuery } from '../../query/index.ts';
import type { ApiDeps } from '../deps.ts';
import { TailHub } from '../tail-hub.ts';
import type { TailSink } from '../tail-hub.ts';

/** A client disconnected by the server may read its last bytes for this long, then it is destroyed. */
const LINGER_MS = 5000;

export function registerTailRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const hub = new TailHub({
    subscribe: (onBatch) => deps.subscribe('tail', onBatch),
    maxClients: deps.tail.maxClients,
    maxClientBufferBytes: deps.tail.maxClientBufferBytes,
    metrics: deps.metrics,
  });
  app.addHook('preClose', (done) => {
    hub.close();
    done();
  });
  app.get('/api/v1/tail', (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const plan = parseQuery(q.q ?? '');
    const match = compileFilter(plan.filter);
    const raw = reply.raw;
    // the response detaches from its socket once finished; a tail's socket is never reused
    const socket = req.raw.socket;
    const sink: TailSink = {
      pending: () => raw.writableLength,
      write: (text) => void raw.write(text),
      close: (last) => {
        if (raw.writableEnded) return;
        raw.end(last);
        // close the connection once its last bytes are with the kernel, or after LINGER_MS
        raw.once('finish', () => socket.destroy());
        setTimeout(() => socket.destroy(), LINGER_MS).unref();
      },
    };
    // grouped by the normalized filter: clients with the same query share one match per batch
    const joined = hub.join(JSON.stringify(plan.filter), match, sink);
    if (joined.kind === 'full') {
      throw new ArgusError('OVERLOADED', `Live tail has ${joined.limit} clients, its limit (tail.maxClients); retry later`, {
        limit: joined.limit,
        configKey: 'tail.maxClients',
      });
    }
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(': argus live tail\n\n');
    raw.on('close', joined.leave);
    raw.on('error', joined.leave);
    if (raw.destroyed) joined.leave();
  });
}
