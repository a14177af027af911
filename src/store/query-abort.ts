/**
 * What every Store backend does with `StoreQuery.signal` and `StoreQuery.maxBytes`: the error an
 * aborted query rejects with, and the byte budget that caps an answer.
 */
import { ArgusError, isArgusError } from '../core/index.ts';

/** The error an aborted query rejects with: the signal's reason when it is an ArgusError. */
export function abortError(signal: AbortSignal): ArgusError {
  const r: unknown = signal.reason;
  return isArgusError(r) ? r : new ArgusError('QUERY_CANCELLED', 'The query was cancelled');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Counts the UTF-8 bytes of an answer's rows as JSON (plus a separator each, and the brackets);
 * `fits(row)` is false for the first row that would take the total past `maxBytes`.
 */
export class ByteBudget {
  private used = 2;

  constructor(readonly maxBytes: number | undefined) {}

  fits(row: unknown): boolean {
    if (this.maxBytes === undefined) return true;
    this.used += Buffer.byteLength(JSON.stringify(row) ?? 'null') + 1;
    return this.used <= this.maxBytes;
  }

  /** bytes counted so far */
  get bytes(): number {
    return this.used;
  }
}
