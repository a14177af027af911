/**
 * Reserved Argus rule keys for stateful rule kinds. They are parsed and validated now;
 * their windows are evaluated by the detector (threshold, dedupe) or a later step (absence,
 * sequence). All windows are event-time durations ("30s", "5m", "1h").
 *
 *   threshold: {count: 5, window: 10m, by: [user]}         alert when >= count matches in window per key
 *   dedupe:    {window: 1h, by: [ka.target.name]}          one alert per key per window, counting repeats
 *   absence:   {window: 15m, by: [node]}                   alert when no match arrives for window per key
 *   sequence:  {window: 5m, by: [user], steps: [{condition: ...}, ...]}  ordered matches within window
 */
import { z } from 'zod';
import { parseDuration } from '../core/index.ts';

const windowSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  try {
    return parseDuration(v, 'window');
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
    return z.NEVER;
  }
});
const bySchema = z.array(z.string().min(1)).max(8).default([]);

export const thresholdSchema = z
  .object({ count: z.number().int().min(1), window: windowSchema, by: bySchema })
  .strict();
export const dedupeSchema = z.object({ window: windowSchema, by: bySchema }).strict();
export const absenceSchema = z.object({ window: windowSchema, by: bySchema }).strict();
export const sequenceSchema = z
  .object({
    window: windowSchema,
    by: bySchema,
    steps: z.array(z.object({ name: z.string().optional(), condition: z.string().min(1) }).strict()).min(2),
  })
  .strict();

export type ThresholdSpec = z.infer<typeof thresholdSchema>;
export type DedupeSpec = z.infer<typeof dedupeSchema>;
export type AbsenceSpec = z.infer<typeof absenceSchema>;
export type SequenceSpec = z.infer<typeof sequenceSchema>;

export interface StatefulSpec {
  threshold?: ThresholdSpec;
  dedupe?: DedupeSpec;
  absence?: AbsenceSpec;
  sequence?: SequenceSpec;
}

export const STATEFUL_KEYS = ['threshold', 'dedupe', 'absence', 'sequence'] as const;
export type StatefulKey = (typeof STATEFUL_KEYS)[number];

const SCHEMAS: Record<StatefulKey, z.ZodTypeAny> = {
  threshold: thresholdSchema,
  dedupe: dedupeSchema,
  absence: absenceSchema,
  sequence: sequenceSchema,
};

/** Validates one reserved key; returns the parsed spec or an error message naming the bad path. */
export function parseStateful(key: StatefulKey, value: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  const r = SCHEMAS[key].safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0]!;
  const path = [key, ...issue.path].join('.');
  return { ok: false, error: `${path}: ${issue.message}` };
}

/** Kinds that cannot be combined in one rule. */
export function statefulConflict(spec: StatefulSpec): string | undefined {
  const kinds = STATEFUL_KEYS.filter((k) => spec[k] !== undefined);
  if (kinds.includes('absence') && kinds.length > 1) return `'absence' cannot be combined with ${kinds.filter((k) => k !== 'absence').join(', ')}`;
  if (kinds.includes('sequence') && kinds.includes('threshold')) return `'sequence' cannot be combined with 'threshold'`;
  return undefined;
}
