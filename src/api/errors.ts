import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ArgusError, isArgusError } from '../core/index.ts';
import type { Metrics } from './metrics.ts';

/** One JSON error shape for every endpoint: `{error: {code, message, ...details}}`. */
export function errorBody(e: ArgusError): Record<string, unknown> {
  return { error: { code: e.code, message: e.message, ...(e.details ?? {}) } };
}

/** Maps any thrown error to a clear 4xx/5xx; bad input never crashes the server. */
export function makeErrorHandler(metrics: Metrics) {
  return (err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void => {
    let e: ArgusError;
    if (isArgusError(err)) e = err;
    else if ((err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      e = new ArgusError('BODY_TOO_LARGE', `request body is larger than the limit of ${req.routeOptions.bodyLimit ?? '?'} bytes`);
    } else if ((err as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      e = new ArgusError('BAD_REQUEST', `unsupported Content-Type "${req.headers['content-type'] ?? ''}": use application/json or application/x-ndjson`);
    } else if ((err as FastifyError).code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      e = new ArgusError('BAD_JSON', 'body is empty');
    } else if ((err as FastifyError).statusCode && (err as FastifyError).statusCode! < 500) {
      e = new ArgusError('BAD_REQUEST', err.message);
    } else {
      req.log.error({ err }, 'Request failed');
      e = new ArgusError('INTERNAL', 'internal error');
    }
    // a cancelled query's client is gone (counted in argus_queries_total): not bad input
    if (e.status < 500 && e.code !== 'QUERY_CANCELLED') metrics.rejected.inc({ reason: e.code });
    // senders (Fluent Bit, Vector, the apiserver's webhook) back off and retry a 503
    if (e.code === 'OVERLOADED' || e.code === 'QUERY_OVERLOADED') void reply.header('retry-after', '1');
    void reply.status(e.status).send(errorBody(e));
  };
}
