import { DEFAULT_MAX_DEPTH, MAX_ERRORS_KEPT, depthMessage, exceedsDepth, tooDeepField } from '../../core/index.ts';
import type { LogEventInput } from '../../core/index.ts';
import { normalizeAuditEvent } from './normalize.ts';
import type { DecodeContext, DecodeResult, DetectedFormat, EnvelopeHints } from './types.ts';
import { checkAuditEvent } from './validate.ts';

/** Accumulates the outcome of one decode: events, per-index errors and skips, redaction count. */
export class Collector {
  readonly result: DecodeResult;
  readonly ctx: DecodeContext;
  readonly maxDepth: number;

  constructor(ctx: DecodeContext, format: DetectedFormat = 'unknown') {
    this.ctx = ctx;
    this.maxDepth = ctx.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.result = { events: [], positions: [], errors: [], rejected: 0, skipped: [], redactions: 0, format };
  }

  set format(f: DetectedFormat) {
    this.result.format = f;
  }

  error(index: number, message: string, field?: string): void {
    this.result.rejected++;
    if (this.result.errors.length < MAX_ERRORS_KEPT) this.result.errors.push(field === undefined ? { index, message } : { index, message, field });
  }

  skip(index: number, reason: string): void {
    this.result.skipped.push({ index, reason });
  }

  /**
   * Adds the event of record `index`. Events built by a converter (not through `audit`) are
   * depth-checked here (`checked` false): their attrs copy envelope fields as they are.
   */
  push(event: LogEventInput, index: number, checked = false): void {
    if (!checked && exceedsDepth(event.attrs, this.maxDepth - 1)) return this.error(index, depthMessage('attrs', this.maxDepth), 'attrs');
    this.result.events.push(event);
    this.result.positions.push(index);
  }

  /** Runs the decoding of record `index`; a throw (a decoder bug on odd data) becomes that record's error. */
  guard(index: number, decode: () => void): void {
    try {
      decode();
    } catch (e) {
      this.error(index, `record could not be decoded: ${(e as Error).message}`);
    }
  }

  /** The cluster for events of this payload: the caller's wins, the envelope's is a fallback. */
  cluster(hints?: EnvelopeHints): string | undefined {
    return this.ctx.cluster ?? (this.ctx.untrustedEnvelope ? undefined : hints?.cluster);
  }

  /** Checks and normalizes one audit Event; records an error at `index` when it is unusable. */
  audit(value: unknown, index: number, hints?: EnvelopeHints, inList = false): void {
    // before anything walks it: redaction, detection and the WAL encoding must never meet a deeper value
    const deep = value !== null && typeof value === 'object' && !Array.isArray(value) ? tooDeepField(value as Record<string, unknown>, this.maxDepth) : undefined;
    if (deep !== undefined) return this.error(index, depthMessage(deep, this.maxDepth), deep);
    const c = checkAuditEvent(value, inList);
    if (!c.ok) {
      this.error(index, c.message, c.field);
      return;
    }
    const cluster = this.cluster(hints);
    this.guard(index, () => {
      const n = normalizeAuditEvent(c.event, cluster === undefined ? { owned: true } : { cluster, owned: true });
      this.result.redactions += n.redactions;
      this.push(n.event, index, true);
    });
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
