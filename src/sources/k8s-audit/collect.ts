import type { LogEventInput } from '../../core/log-event.ts';
import { normalizeAuditEvent } from './normalize.ts';
import type { DecodeContext, DecodeResult, DetectedFormat, EnvelopeHints } from './types.ts';
import { checkAuditEvent } from './validate.ts';

/** Accumulates the outcome of one decode: events, per-index errors and skips, redaction count. */
export class Collector {
  readonly result: DecodeResult;
  readonly ctx: DecodeContext;

  constructor(ctx: DecodeContext, format: DetectedFormat = 'unknown') {
    this.ctx = ctx;
    this.result = { events: [], errors: [], skipped: [], redactions: 0, format };
  }

  set format(f: DetectedFormat) {
    this.result.format = f;
  }

  error(index: number, message: string, field?: string): void {
    this.result.errors.push(field === undefined ? { index, message } : { index, message, field });
  }

  skip(index: number, reason: string): void {
    this.result.skipped.push({ index, reason });
  }

  push(event: LogEventInput): void {
    this.result.events.push(event);
  }

  /** The cluster for events of this payload: the caller's wins, the envelope's is a fallback. */
  cluster(hints?: EnvelopeHints): string | undefined {
    return this.ctx.cluster ?? (this.ctx.untrustedEnvelope ? undefined : hints?.cluster);
  }

  /** Checks and normalizes one audit Event; records an error at `index` when it is unusable. */
  audit(value: unknown, index: number, hints?: EnvelopeHints, inList = false): void {
    const c = checkAuditEvent(value, inList);
    if (!c.ok) {
      this.error(index, c.message, c.field);
      return;
    }
    const cluster = this.cluster(hints);
    const n = normalizeAuditEvent(c.event, cluster === undefined ? { owned: true } : { cluster, owned: true });
    this.result.redactions += n.redactions;
    this.push(n.event);
  }
}

/** Parses JSON, returning the error message instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, message: `invalid JSON: ${(e as Error).message}` };
  }
}
