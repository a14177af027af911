import type { FastifyReply } from 'fastify';
import type { LogEventInput } from '../../core/index.ts';
import type { ApiDeps } from '../deps.ts';

export interface ItemError {
  index: number;
  field?: string;
  message: string;
}

/**
 * Stores the good events of a batch (durably, before answering) and reports the bad ones by index.
 * 200: all stored; 207: some stored, some rejected; 400: none valid.
 */
export async function respondToBatch(
  reply: FastifyReply,
  deps: ApiDeps,
  events: LogEventInput[],
  errors: ItemError[],
): Promise<unknown> {
  if (errors.length > 0) deps.metrics.rejected.inc({ reason: 'BAD_EVENT' }, errors.length);
  if (events.length === 0 && errors.length > 0) {
    const first = errors[0]!;
    return reply.status(400).send({
      error: { code: 'BAD_EVENT', message: `no valid event in the batch: [${first.index}] ${first.message}`, errors: errors.slice(0, 100) },
      accepted: 0,
      rejected: errors.length,
    });
  }
  const r = events.length > 0 ? await deps.ingest(events) : { accepted: 0, duplicates: 0, stored: [] };
  const body: Record<string, unknown> = {
    accepted: r.accepted,
    duplicates: r.duplicates,
    rejected: errors.length,
    ids: r.stored.map((e) => e.id),
  };
  if (errors.length > 0) body.errors = errors.slice(0, 100);
  return reply.status(errors.length > 0 ? 207 : 200).send(body);
}
