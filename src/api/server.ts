/** The Fastify server: content parsers, error mapping, routes. Listening is the caller's job. */
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { ArgusError } from '../core/index.ts';
import type { ApiDeps } from './deps.ts';
import { makeErrorHandler } from './errors.ts';
import { httpTimeouts, limitConnections } from './connection-limit.ts';
import { registerDecompression } from './decompress.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerQueryRoutes } from './routes/query.ts';
import { registerTailRoutes } from './routes/tail.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerDetectionRoutes } from './routes/detection.ts';

export type RouteRegistrar = (app: FastifyInstance, deps: ApiDeps) => void;

export function buildServer(deps: ApiDeps, extraRoutes: RouteRegistrar[] = []): FastifyInstance {
  // front door (connection-limit.ts): request/headers/keep-alive timeouts, checked promptly
  const t = httpTimeouts(deps.http);
  const nodeServerOptions = {
    requestTimeout: t.requestTimeout,
    headersTimeout: t.headersTimeout,
    connectionsCheckingInterval: t.connectionsCheckingInterval,
  };
  const app: FastifyInstance = Fastify({
    requestTimeout: t.requestTimeout,
    keepAliveTimeout: t.keepAliveTimeout,
    http: nodeServerOptions,
    // per-request lines are info: keep the HTTP logger at warn (nothing per event at info)
    loggerInstance: deps.logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit,
    trustProxy: false,
    ...(deps.tls
      ? {
          https: {
            ...nodeServerOptions,
            handshakeTimeout: t.headersTimeout,
            key: deps.tls.key,
            cert: deps.tls.cert,
            ...(deps.tls.ca ? { ca: deps.tls.ca, requestCert: true, rejectUnauthorized: false } : {}),
          },
        }
      : {}),
  }) as unknown as FastifyInstance;
  const connections = limitConnections(app.server, { max: deps.http.maxConnections, tls: deps.tls !== undefined, metrics: deps.metrics, logger: deps.logger });
  app.addHook('onRequest', (req, reply, done) => {
    // a refused connection already has its 503: nothing here may answer (or ingest) on it
    if (connections.isRefused(req.raw.socket)) void reply.hijack();
    done();
  });
  // Bodies are decoded by our own decoders (clear per-event errors), so take them as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    done(null, body);
  });
  // Content-Encoding (gzip, deflate, zstd), capped at each route's body limit
  registerDecompression(app, deps.metrics, deps.bodyLimit);
  app.setErrorHandler(makeErrorHandler(deps.metrics));
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
  // `?q=a&q=b` parses to an array, which no route expects (it answered 500): refuse it by name
  app.addHook('preHandler', async (req) => {
    const q = req.query;
    if (q === null || typeof q !== 'object') return;
    for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
      if (Array.isArray(v)) throw new ArgusError('BAD_REQUEST', `${k}: given ${v.length} times in the query string; give it once`, { field: k });
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpRequests.inc({ route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
  });
  registerHealthRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerQueryRoutes(app, deps);
  registerTailRoutes(app, deps);
  registerDetectionRoutes(app, deps);
  for (const r of extraRoutes) r(app, deps);
  return app;
}
