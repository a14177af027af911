/**
 * The per-rule pieces the stateful detector (./windows/) needs beyond the rule's condition:
 * extractors for the `by` fields of each stateful kind, and the compiled `sequence` steps.
 * Compiled once with the rule, in its source's field context.
 */
import type { LogEvent } from '../core/index.ts';
import type { RuleDef } from './collector.ts';
import type { CompileContext, Pred } from './compile.ts';
import { compileExpr } from './compile.ts';
import { lookupField } from './fields.ts';
import type { MacroTable } from './macros.ts';
import { formatValue } from './output.ts';
import { parseCondition } from './parser.ts';
import { badRule, SourceText } from './source-text.ts';
import type { StatefulKey } from './stateful.ts';
import { STATEFUL_KEYS, stepSources } from './stateful.ts';

export interface StatefulPlan {
  /** the `by` values of each stateful kind present on the rule (`<NA>` for a missing field) */
  by: Partial<Record<StatefulKey, (ev: LogEvent) => string[]>>;
  /** `sequence` steps: each is ANDed with the rule's condition (the scope of the sequence) */
  steps?: Pred[];
}

/** Compiles the `by` extractors and step conditions; `rule:` steps are resolved later by `resolveStepRefs`. */
export function compilePlan(def: RuleDef, ctx: CompileContext, macros: MacroTable): { plan: StatefulPlan; refs: (string | undefined)[] } | undefined {
  const spec = def.stateful;
  if (!STATEFUL_KEYS.some((k) => spec[k] !== undefined)) return undefined;
  const plan: StatefulPlan = { by: {} };
  for (const key of STATEFUL_KEYS) {
    const fields = spec[key]?.by;
    if (fields === undefined) continue;
    const getters = fields.map((f) => {
      const m = /^([^[]+)(?:\[(.*)\])?$/.exec(f)!;
      const r = lookupField(m[1]!, m[2], def.source);
      if (!r.ok) throw badRule(def.loc, `${key}.by: ${r.error}`);
      return ctx.cache.getter(r.field);
    });
    plan.by[key] = (ev) => getters.map((g) => formatValue(g(ev)));
  }
  const refs: (string | undefined)[] = [];
  const seq = spec.sequence;
  if (seq) {
    const texts = stepSources.get(seq) ?? [];
    plan.steps = seq.steps.map((step, i) => {
      refs.push(step.rule);
      if (step.condition === undefined) return () => false;
      const src = texts[i] ?? SourceText.plain(step.condition, def.loc.path);
      return compileExpr(macros.expandRule(parseCondition(src)), ctx);
    });
  }
  return { plan, refs };
}

/** Replaces `rule:` steps by the referenced rule's predicate (by name or id; disabled rules count). */
export function resolveStepRefs(def: RuleDef, plan: StatefulPlan, refs: readonly (string | undefined)[], find: (ref: string) => Pred | undefined): void {
  refs.forEach((ref, i) => {
    if (ref === undefined) return;
    const p = find(ref);
    if (!p) throw badRule(def.loc, `sequence.steps.${i}.rule: no rule named '${ref}'`);
    plan.steps![i] = p;
  });
}
