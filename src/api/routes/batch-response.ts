import type { FastifyReply } from 'fastify';
import type { IngestOrigin, LogEventInput } from '../../core/index.ts';
import type { ApiDeps, IngestResult } from '../deps.ts';

export interface ItemError {
  index: number;
  field?: string;
  message: string;
}

const NOTHING: IngestResult = { accepted: 0, duplicates: 0, stored: [], rejected: [] };

/**
 * The payload index of each of `count` decoded events: the k-th index that produced no error or
 * skip. Exact for decoders that turn each record into at most one event (the generic format, and
 * every audit shape but an AKS record holding an array of events).
 */
export function eventIndices(count: number, consumed: Iterable<number>): number[] {
  const taken = new Set(consumed);
  const out: number[] = [];
  for (let i = 0; out.length < count; i++) if (!taken.has(i)) out.push(i);
  return out;
}

/**
 * Stores the good events of a batch (durably, before answering) through the origin's ownership
 * and reports the bad ones by index: decode errors, and events the origin may not write.
 * 200: all stored; 207: some stored, some rejected; 400: none valid.
 */
export async function respondToBatch(
  reply: FastifyReply,
  deps: ApiDeps,
  events: LogEventInput[],
  decodeErrors: ItemError[],
  origin: IngestOrigin,
  skipped: readonly { index: number }[] = [],
): Promise<unknown> {
  if (decodeErrors.length > 0) deps.metrics.rejected.inc({ reason: 'BAD_EVENT' }, decodeErrors.length);
  const r = events.length > 0 ? await deps.ingest(events, origin) : NOTHING;
  let errors = decodeErrors;
  if (r.rejected.length > 0) {
    const consumed = [...decodeErrors, ...skipped].map((e) => e.index);
    const at = eventIndices(events.length, consumed);
    const refused = r.rejected.map((x) => ({ index: at[x.position]!, field: x.field, message: x.message }));
    errors = [...errors, ...refused].sort((a, b) => a.index - b.index);
  }
  if (r.accepted + r.duplicates === 0 && errors.length > 0) {
    const first = errors[0]!;
    return reply.status(400).send({
      error: { code: 'BAD_EVENT', message: `no valid event in the batch: [${first.index}] ${first.message}`, errors: errors.slice(0, 100) },
      accepted: 0,
      rejected: errors.length,
    });
  }
  const body: Record<string, unknown> = {
    accepted: r.accepted,
    duplicates: r.duplicates,
    rejected: errors.length,
    ids: r.stored.map((e) => e.id),
  };
  if (errors.length > 0) body.errors = errors.slice(0, 100);
  return reply.status(errors.length > 0 ? 207 : 200).send(body);
}
