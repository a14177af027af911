/**
 * A compiled, immutable rule set. `loadRuleFiles` reads files in order (later files override
 * earlier ones, as Falco loads several files into one engine), compiles every rule once, and
 * either returns a new RuleSet or throws BAD_RULE: a bad file never touches a loaded set.
 */
import type { LogEvent } from '../core/index.ts';
import type { Expr } from './ast.ts';
import { Collector } from './collector.ts';
import type { RuleDef } from './collector.ts';
import type { CompileContext, Pred } from './compile.ts';
import { compileExpr, rhsValues } from './compile.ts';
import { withExceptions } from './exceptions.ts';
import { FieldCache } from './field-cache.ts';
import { lookupField } from './fields.ts';
import type { Indexed } from './index-by.ts';
import { computePins, SourceIndex } from './index-by.ts';
import { MacroTable, resolveLists } from './macros.ts';
import { parseCondition } from './parser.ts';
import type { Priority } from './priority.ts';
import { PRIORITY_SEVERITY } from './priority.ts';
import type { Renderer } from './output.ts';
import { compileOutput } from './output.ts';
import type { RuleFileInput } from './rule-file.ts';
import { readRuleFile } from './rule-file.ts';
import type { Location } from './source-text.ts';
import { badRule, formatLocation } from './source-text.ts';
import type { StatefulSpec } from './stateful.ts';
import type { StatefulPlan } from './stateful-plan.ts';
import { compilePlan, resolveStepRefs } from './stateful-plan.ts';

/** Sources Argus never receives; rules for them are skipped with a warning (as Falco does for unloaded sources). */
const UNSUPPORTED_SOURCES = new Set(['syscall']);

export interface Match {
  ruleId: string;
  /** rule name */
  rule: string;
  priority: Priority;
  /** OpenTelemetry severity number */
  severity: number;
  /** the rendered output */
  title: string;
  tags: readonly string[];
  /** the rule's author (kept in every alert, e.g. for DRL-licensed Sigma rules) */
  author?: string;
  event: LogEvent;
}

export interface RuleInfo {
  id: string;
  name: string;
  desc: string;
  source: string;
  priority: Priority;
  severity: number;
  tags: readonly string[];
  enabled: boolean;
  stateful: StatefulSpec;
  /** Argus extension (`author:`, e.g. from Sigma) */
  author?: string;
  location: Location;
}

export interface LoadWarning {
  location: Location;
  message: string;
}

/** A compiled rule as the detector sees it (from `matchRules`). */
export interface RuleHandle {
  readonly info: RuleInfo;
  readonly plan?: StatefulPlan | undefined;
}

interface CompiledRule extends Indexed {
  info: RuleInfo;
  pred: Pred;
  render: Renderer;
  plan?: StatefulPlan;
}

export function ruleIdOf(def: RuleDef): string {
  return def.id ?? def.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export class RuleSet {
  readonly rules: readonly RuleInfo[];
  readonly warnings: readonly LoadWarning[];
  private readonly cache: FieldCache;
  private readonly bySource: Map<string, SourceIndex<CompiledRule>>;
  private readonly anySource: SourceIndex<CompiledRule>;
  private readonly plans = new Map<string, StatefulPlan>();
  private readonly byId = new Map<string, CompiledRule>();

  /** @internal use loadRuleFiles */
  constructor(compiled: CompiledRule[], cache: FieldCache, warnings: LoadWarning[]) {
    this.cache = cache;
    this.warnings = warnings;
    this.rules = compiled.map((c) => c.info);
    for (const c of compiled) {
      this.byId.set(c.info.id, c);
      if (c.plan) this.plans.set(c.info.id, c.plan);
    }
    const active = compiled.filter((c) => c.info.enabled);
    const getter = (dim: string) => {
      const r = lookupField(dim, undefined, '*');
      if (!r.ok) throw new Error(r.error);
      return cache.getter(r.field);
    };
    const wildcard = active.filter((c) => c.source === '*');
    this.anySource = new SourceIndex(wildcard, getter);
    this.bySource = new Map();
    for (const s of new Set(active.map((c) => c.source))) {
      if (s === '*') continue;
      this.bySource.set(s, new SourceIndex(active.filter((c) => c.source === s || c.source === '*'), getter));
    }
  }

  /** The rules that match one event, in rule order. */
  evaluate(event: LogEvent): Match[] {
    const hits: RuleHandle[] = [];
    this.matchRules(event, hits);
    const out: Match[] = [];
    for (const h of hits) out.push(this.toMatch(h, event));
    return out;
  }

  /**
   * The detector's evaluate: the enabled rules matching `event` into `out` (cleared first), in
   * rule order, rendering nothing. `toMatch` and the rule's plan then work on this event.
   */
  matchRules(event: LogEvent, out: RuleHandle[]): void {
    out.length = 0;
    this.cache.next();
    const cands = (this.bySource.get(event.source) ?? this.anySource).candidates(event);
    for (let i = 0; i < cands.length; i++) {
      const r = cands[i]!;
      if (r.pred(event)) out.push(r);
    }
  }

  /**
   * The Match (rendered output) of a rule for the event last passed to `matchRules`, or, with
   * `earlier`, for an event evaluated before (its cached fields are dropped first).
   */
  toMatch(h: RuleHandle, event: LogEvent, earlier = false): Match {
    if (earlier) this.cache.next();
    const r = h as CompiledRule;
    const i = r.info;
    const m: Match = { ruleId: i.id, rule: i.name, priority: i.priority, severity: i.severity, title: r.render(event), tags: i.tags, event };
    if (i.author !== undefined) m.author = i.author;
    return m;
  }

  /** The compiled rule with this id (enabled or not). */
  handle(ruleId: string): RuleHandle | undefined {
    return this.byId.get(ruleId);
  }

  /**
   * The `by` extractors and sequence steps of a stateful rule. Call them on the event just passed
   * to `evaluate` (they share its per-event field cache), before evaluating the next one.
   */
  statefulPlan(ruleId: string): StatefulPlan | undefined {
    return this.plans.get(ruleId);
  }
}

export function loadRuleFiles(files: readonly RuleFileInput[]): RuleSet {
  const col = new Collector();
  for (const f of files) readRuleFile(f, col);
  return compileCollected(col);
}

function compileCollected(col: Collector): RuleSet {
  const lists = resolveLists(col.lists);
  const macros = new MacroTable(col.macros);
  macros.checkAll();
  const cache = new FieldCache();
  const warnings: LoadWarning[] = [];
  const compiled: CompiledRule[] = [];
  const ids = new Map<string, string>();
  let ordinal = 0;
  const pending: { def: RuleDef; plan: StatefulPlan; refs: (string | undefined)[] }[] = [];
  for (const def of col.rules.values()) {
    if (UNSUPPORTED_SOURCES.has(def.source)) {
      warnings.push({ location: def.loc, message: `rule '${def.name}': source '${def.source}' is not supported by Argus; rule skipped` });
      continue;
    }
    const ctx: CompileContext = {
      source: def.source,
      lists,
      cache,
      warn: (location, message) => warnings.push({ location, message: `rule '${def.name}': ${message}` }),
    };
    const expr: Expr = macros.expandRule(withExceptions(parseCondition(def.cond), def.exceptions));
    const pred = compileExpr(expr, ctx);
    const render = compileOutput(def.output, ctx);
    const planned = compilePlan(def, ctx, macros);
    if (planned) pending.push({ def, ...planned });
    const id = ruleIdOf(def);
    const clash = ids.get(id);
    if (clash !== undefined) throw badRule(def.loc, `rule id '${id}' is also the id of rule '${clash}'; set a distinct 'id'`);
    ids.set(id, def.name);
    const info: RuleInfo = {
      id,
      name: def.name,
      desc: def.desc,
      source: def.source,
      priority: def.priority,
      severity: PRIORITY_SEVERITY[def.priority],
      tags: def.tags,
      enabled: def.enabled,
      stateful: def.stateful,
      location: def.loc,
    };
    if (def.author !== undefined) info.author = def.author;
    const pins = computePins(expr, (e) => (e.kind === 'binary' ? rhsValues(e, ctx) : undefined));
    compiled.push({ info, pred, render, pins, source: def.source, ordinal: ordinal++, ...(planned ? { plan: planned.plan } : {}) });
  }
  const byRef = new Map<string, Pred>();
  for (const c of compiled) byRef.set(c.info.name, c.pred).set(c.info.id, c.pred);
  for (const p of pending) resolveStepRefs(p.def, p.plan, p.refs, (ref) => byRef.get(ref));
  return new RuleSet(compiled, cache, warnings);
}

export function describeWarning(w: LoadWarning): string {
  return `${formatLocation(w.location)}: ${w.message}`;
}
