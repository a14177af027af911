/** Detection control: hot reload of rule files, detector stats, and recent alerts. */
import type { FastifyInstance } from 'fastify';
import { ArgusError } from '../../core/index.ts';
import type { FieldRef, Filter, QueryPlan } from '../../core/index.ts';
import { parseQuery } from '../../query/index.ts';
import type { ApiDeps } from '../deps.ts';
import { clientGone } from '../query-gate.ts';
import { parseLimit, timeRange } from './query.ts';

const INGEST: FieldRef = { kind: 'column', name: 'ingest' };
/** alerts written by detection (alerts stored before provenance existed have no `ingest`) */
const FROM_DETECTION: Filter = {
  op: 'or',
  args: [{ op: 'match', field: INGEST, value: 'detection', wildcard: false }, { op: 'not', arg: { op: 'exists', field: INGEST } }],
};

export function registerDetectionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const detection = (): NonNullable<ApiDeps['detection']> => {
    if (!deps.detection) throw new ArgusError('NOT_FOUND', 'detection is not running on this server');
    return deps.detection;
  };
  // an invalid rule set answers 400 with file:line:column and the old set stays active
  app.post('/api/v1/rules/reload', async () => ({ status: 'reloaded', ...detection().reload() }));
  app.get('/api/v1/detection/stats', async () => detection().stats());
  app.get('/api/v1/alerts', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const extra = q.q ? parseQuery(q.q) : undefined;
    const plan: QueryPlan = {
      filter: {
        op: 'and',
        args: [{ op: 'match', field: { kind: 'column', name: 'source' }, value: 'alert', wildcard: false }, FROM_DETECTION, ...(extra ? [extra.filter] : [])],
      },
      stages: extra?.stages ?? [],
    };
    return deps.queries.query({ plan, limit: parseLimit(q.limit), ...timeRange(q) }, clientGone(reply));
  });
}
