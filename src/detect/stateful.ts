/**
 * Reserved Argus rule keys for stateful rule kinds, evaluated by the detector in
 * ./windows/ (see README.md "Stateful rules"). All durations are event time ("30s", "5m", "1h").
 *
 *   threshold: {count: 5, window: 10m, by: [user]}   alert when >= count matches within window per key
 *   dedupe:    {window: 1h, by: [ka.target.name]}    one alert per key per window, repeats counted
 *   absence:   {for: 15m, by: [node]}                alert when a seen key has no match for `for`
 *   sequence:  {within: 2m, by: [sourceIp], steps: [{condition: ..., count: 5}, {rule: Other}]}
 */
import { z } from 'zod';
import { parseDuration } from '../core/index.ts';
import type { SourceText } from './source-text.ts';

const windowSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  let ms: number;
  try {
    ms = typeof v === 'number' ? v : parseDuration(v, 'window');
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
    return z.NEVER;
  }
  if (!(ms > 0)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a positive duration' });
    return z.NEVER;
  }
  return ms;
});
const bySchema = z.array(z.string().min(1)).max(8).default([]);

export const thresholdSchema = z
  .object({ count: z.number().int().min(1), window: windowSchema, by: bySchema })
  .strict();
export const dedupeSchema = z.object({ window: windowSchema, by: bySchema }).strict();
export const absenceSchema = z.object({ for: windowSchema, by: bySchema }).strict();
const stepSchema = z
  .object({
    name: z.string().optional(),
    condition: z.string().min(1).optional(),
    rule: z.string().min(1).optional(),
    count: z.number().int().min(1).max(10_000).default(1),
  })
  .strict()
  .refine((s) => (s.condition === undefined) !== (s.rule === undefined), { message: "a step needs exactly one of 'condition' or 'rule'" });
export const sequenceSchema = z
  .object({
    within: windowSchema,
    by: bySchema,
    steps: z.array(stepSchema).min(2).max(16),
  })
  .strict();

export type ThresholdSpec = z.infer<typeof thresholdSchema>;
export type DedupeSpec = z.infer<typeof dedupeSchema>;
export type AbsenceSpec = z.infer<typeof absenceSchema>;
export type SequenceSpec = z.infer<typeof sequenceSchema>;
export type SequenceStep = SequenceSpec['steps'][number];

/**
 * Where each step condition of a sequence spec sits in its rule file (set by rule-item.ts), so
 * a bad step condition is reported at file:line:column. Kept beside the spec, not in it, so the
 * spec stays plain JSON (the detector compares specs by their JSON on hot reload).
 */
export const stepSources = new WeakMap<SequenceSpec, (SourceText | undefined)[]>();

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
