/**
 * The one piece that serves every push receiver (core/receiver.ts): its routes, with the shared
 * auth (auth.ts, checked before the body is read), its body limit (applied to the decoded bytes by
 * decompress.ts, which handles Content-Encoding gzip/deflate/zstd for every route), its decode,
 * the 200/207/400 batch answer (a 503 OVERLOADED comes from the error mapper) and per-receiver
 * metrics (metrics.ts). A new receiver is a folder under sources/ or transforms/ plus one line in
 * src/registry.ts; nothing here changes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PushReceiver } from '../../core/index.ts';
import { ArgusError, DEFAULT_MAX_DEPTH } from '../../core/index.ts';
import type { ApiDeps } from '../deps.ts';
import { answerBatch } from '../routes/batch-response.ts';
import { resolveSender } from './auth.ts';
import type { Sender } from './auth.ts';
import { createReceiverMetrics } from './metrics.ts';
import type { ReceiverMetrics } from './metrics.ts';

/** Mounts every receiver; throws INTERNAL when two claim the same name or route. */
export function mountReceivers(app: FastifyInstance, deps: ApiDeps, receivers: readonly PushReceiver[]): void {
  const metrics = createReceiverMetrics(deps.metrics.registry);
  const names = new Set<string>();
  const routes = new Map<string, string>();
  for (const r of receivers) {
    if (names.has(r.name)) throw new ArgusError('INTERNAL', `receiver "${r.name}" is mounted twice`);
    names.add(r.name);
    for (const route of r.routes) {
      for (const path of route.paths) {
        const key = `${route.method} ${path}`;
        const other = routes.get(key);
        if (other !== undefined) throw new ArgusError('INTERNAL', `receivers "${other}" and "${r.name}" both serve ${key}`);
        routes.set(key, r.name);
      }
    }
    mountOne(app, deps, r, metrics);
  }
}

function mountOne(app: FastifyInstance, deps: ApiDeps, r: PushReceiver, m: ReceiverMetrics): void {
  const labels = { receiver: r.name };
  // the series exist (at 0) from the start: "no events" and "no receiver" look different
  m.accepted.inc(labels, 0);
  m.rejected.inc(labels, 0);
  m.bytes.inc(labels, 0);
  const senders = new WeakMap<FastifyRequest, Sender>();
  const maxDepth = deps.maxDepth ?? DEFAULT_MAX_DEPTH;

  const onRequest = async (req: FastifyRequest): Promise<void> => {
    // before the body is read: an unauthenticated client cannot make us read or decompress it
    senders.set(req, resolveSender(req, r.auth));
  };
  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const sender = senders.get(req) ?? resolveSender(req, r.auth);
    const body = typeof req.body === 'string' ? req.body : '';
    m.bytes.inc(labels, Buffer.byteLength(body));
    const decoded = await r.decode(
      body,
      { headers: req.headers, query: req.query as Record<string, string | undefined> },
      { cluster: sender.cluster, receivedAt: Date.now(), maxDepth },
    );
    if (decoded.redactions !== undefined && decoded.redactions > 0) deps.metrics.redactions.inc(decoded.redactions);
    const origin = { receiver: r.name, credential: sender.credential };
    const a = await answerBatch(deps, decoded.events, decoded.errors, origin, decoded.positions, decoded.rejected ?? decoded.errors.length);
    if (a.accepted > 0) m.accepted.inc(labels, a.accepted);
    if (a.rejected > 0) m.rejected.inc(labels, a.rejected);
    return reply.status(a.status).send(a.body);
  };
  const onResponse = async (_req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    m.requests.inc({ ...labels, status: String(reply.statusCode) });
    m.latency.observe(labels, reply.elapsedTime / 1000);
  };
  for (const route of r.routes) {
    for (const url of route.paths) {
      app.route({ method: route.method, url, bodyLimit: r.bodyLimit ?? deps.bodyLimit, onRequest, onResponse, handler });
    }
  }
}
