/** POST /api/v1/events: generic events as a JSON array, one object, or NDJSON. */
import type { FastifyInstance } from 'fastify';
import { ArgusError } from '../../core/index.ts';
import type { IngestOrigin, IngestReceiver } from '../../core/index.ts';
import { decodeGenericEvents, GENERIC_OWNERSHIP } from '../../transforms/generic/index.ts';
import type { ApiDeps } from '../deps.ts';
import { respondToBatch } from './batch-response.ts';

/** The generic receiver: any unreserved source, keys under `generic:`; no authentication yet. */
export const GENERIC_RECEIVER: IngestReceiver = { name: 'generic', owns: GENERIC_OWNERSHIP };
const ANONYMOUS: IngestOrigin = { receiver: GENERIC_RECEIVER.name, credential: 'anonymous' };

export function registerEventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post('/api/v1/events', async (req, reply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    if (body.trim().length === 0) throw new ArgusError('BAD_JSON', 'body is empty: send a JSON array, a JSON object or NDJSON');
    const decoded = decodeGenericEvents(body, Date.now(), { maxDepth: deps.maxDepth });
    if (decoded.errors.length === 1 && decoded.errors[0]!.index === -1) {
      throw new ArgusError('BAD_JSON', decoded.errors[0]!.message);
    }
    return respondToBatch(reply, deps, decoded.events, decoded.errors, ANONYMOUS, decoded.positions, decoded.rejected);
  });
}
