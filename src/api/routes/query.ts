/** GET /api/v1/query?q=&from=&to=&since=&limit= */
import type { FastifyInstance } from 'fastify';
import { ArgusError, parseTime } from '../../core/index.ts';
import { parseQuery } from '../../query/index.ts';
import type { ApiDeps } from '../deps.ts';
import { clientGone } from '../query-gate.ts';

export interface TimeRangeQuery {
  from?: string;
  to?: string;
  since?: string;
}

export function timeRange(q: TimeRangeQuery, now = Date.now()): { from?: number; to?: number } {
  const out: { from?: number; to?: number } = {};
  if (q.since !== undefined && q.since !== '') out.from = parseTime(q.since, 'since', now);
  if (q.from !== undefined && q.from !== '') out.from = parseTime(q.from, 'from', now);
  if (q.to !== undefined && q.to !== '') out.to = parseTime(q.to, 'to', now);
  if (out.from !== undefined && out.to !== undefined && out.from >= out.to) {
    throw new ArgusError('BAD_REQUEST', 'from: must be earlier than to', { field: 'from' });
  }
  return out;
}

export function parseLimit(v: string | undefined): number {
  if (v === undefined || v === '') return 100;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    throw new ArgusError('BAD_REQUEST', 'limit: must be an integer from 1 to 100000', { field: 'limit' });
  }
  return n;
}

export function registerQueryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/query', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const plan = parseQuery(q.q ?? '');
    const range = timeRange(q);
    const limit = parseLimit(q.limit);
    const end = deps.metrics.queryLatency.startTimer();
    const result = await deps.queries.query({ plan, limit, ...range }, clientGone(reply));
    end({ kind: result.kind });
    return result;
  });
}
