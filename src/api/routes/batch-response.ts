import type { IngestOrigin, LogEventInput } from '../../core/index.ts';
import type { ApiDeps, IngestResult } from '../deps.ts';

export interface ItemError {
  index: number;
  field?: string;
  message: string;
}

/** The errors shown in an answer (the count is always complete). */
export const MAX_ERRORS_SHOWN = 100;

const NOTHING: IngestResult = { accepted: 0, duplicates: 0, stored: [], rejected: [] };

/** A batch's answer, before it is sent: the status, the body and what it counts (for metrics). */
export interface BatchAnswer {
  status: 200 | 207 | 400;
  body: Record<string, unknown>;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * Stores the good events of a batch (durably, before answering) through the origin's ownership
 * and reports the bad ones by body index: decode errors, events the origin may not write, and
 * events the store itself refuses (its second line of defence).
 * 200: all stored; 207: some stored, some rejected; 400: none valid.
 * `positions[i]` is the body index of `events[i]` (from the decoder); `rejectedTotal` counts the
 * decoder's errors, of which `decodeErrors` may hold only the first MAX_ERRORS_KEPT.
 */
export async function answerBatch(
  deps: ApiDeps,
  events: LogEventInput[],
  decodeErrors: ItemError[],
  origin: IngestOrigin,
  positions?: readonly number[],
  rejectedTotal: number = decodeErrors.length,
): Promise<BatchAnswer> {
  let errors = decodeErrors;
  let rejected = Math.max(rejectedTotal, errors.length);
  if (rejected > 0) deps.metrics.rejected.inc({ reason: 'BAD_EVENT' }, rejected);
  if (events.length === 0 && errors.length > 0) return noneValid(errors, rejected);
  const r = events.length > 0 ? await deps.ingest(events, origin) : NOTHING;
  if (r.rejected.length > 0) {
    const refused = r.rejected.map((x) => ({ index: positions?.[x.position] ?? x.position, ...(x.field ? { field: x.field } : {}), message: x.message }));
    errors = [...errors, ...refused].sort((a, b) => a.index - b.index);
    rejected += refused.length;
    if (r.accepted === 0 && r.duplicates === 0) return noneValid(errors, rejected);
  }
  const body: Record<string, unknown> = {
    accepted: r.accepted,
    duplicates: r.duplicates,
    rejected,
    ids: r.stored.map((e) => e.id),
  };
  if (errors.length > 0) body.errors = errors.slice(0, MAX_ERRORS_SHOWN);
  return { status: rejected > 0 ? 207 : 200, body, accepted: r.accepted, duplicates: r.duplicates, rejected };
}


function noneValid(errors: ItemError[], rejected: number): BatchAnswer {
  const first = errors[0]!;
  return {
    status: 400,
    body: {
      error: { code: 'BAD_EVENT', message: `no valid event in the batch: [${first.index}] ${first.message}`, errors: errors.slice(0, MAX_ERRORS_SHOWN) },
      accepted: 0,
      rejected,
    },
    accepted: 0,
    duplicates: 0,
    rejected,
  };
}
