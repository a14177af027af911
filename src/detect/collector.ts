/**
 * Collects lists, macros and rules across rule files in load order, with Falco's define /
 * append / override / enable semantics (rule_loader_collector.cpp): a redefinition replaces
 * the earlier one but keeps its position; `append: true` and `override: {key: append}` extend,
 * `override: {key: replace}` replaces single keys.
 */
import type { ListDef, MacroDef } from './macros.ts';
import type { Priority } from './priority.ts';
import type { Location, SourceText } from './source-text.ts';
import { badRule } from './source-text.ts';
import type { StatefulSpec } from './stateful.ts';

/** One exception entry: a scalar, or a list of entries. */
export type ExEntry = { kind: 'item'; value: string } | { kind: 'list'; items: ExEntry[] };

export interface ExceptionDef {
  name: string;
  fields?: ExEntry;
  comps?: ExEntry;
  values: ExEntry[];
  loc: Location;
}

export interface RuleDef {
  name: string;
  id?: string;
  /** Argus extension (Sigma `author`); copied into alerts */
  author?: string;
  cond: SourceText;
  output: SourceText;
  desc: string;
  priority: Priority;
  source: string;
  tags: string[];
  enabled: boolean;
  exceptions: ExceptionDef[];
  stateful: StatefulSpec;
  loc: Location;
  index: number;
}

/** The keys an update (append or replace) may carry. */
export interface RuleUpdate {
  name: string;
  source?: string;
  cond?: SourceText;
  output?: SourceText;
  desc?: string;
  tags?: string[];
  exceptions?: ExceptionDef[];
  priority?: Priority;
  enabled?: boolean;
  stateful?: StatefulSpec;
  loc: Location;
}

export interface Located {
  loc: Location;
}

export class Collector {
  private next = 0;
  readonly lists = new Map<string, ListDef & Located>();
  readonly macros = new Map<string, MacroDef & Located>();
  readonly rules = new Map<string, RuleDef>();

  defineList(name: string, items: string[], loc: Location): void {
    const id = this.next++;
    const prev = this.lists.get(name);
    this.lists.set(name, { name, items, index: prev?.index ?? id, visibility: id, loc });
  }

  appendList(name: string, items: string[], loc: Location): void {
    const prev = this.lists.get(name);
    if (!prev) throw badRule(loc, `list '${name}' has 'append' but no list by that name already exists`);
    prev.items = [...prev.items, ...items];
    prev.visibility = this.next++;
  }

  defineMacro(name: string, cond: SourceText, loc: Location): void {
    const id = this.next++;
    const prev = this.macros.get(name);
    this.macros.set(name, { name, cond, index: prev?.index ?? id, visibility: id, loc });
  }

  appendMacro(name: string, cond: SourceText, loc: Location): void {
    const prev = this.macros.get(name);
    if (!prev) throw badRule(loc, `macro '${name}' has 'append' but no macro by that name already exists`);
    prev.cond = prev.cond.concat(' ', cond);
    prev.visibility = this.next++;
  }

  defineRule(rule: Omit<RuleDef, 'index'>): void {
    const id = this.next++;
    const prev = this.prevRule(rule.name, rule.source, rule.loc);
    this.rules.set(rule.name, { ...rule, index: prev?.index ?? id });
  }

  appendRule(u: RuleUpdate): void {
    const prev = this.prevRule(u.name, u.source, u.loc);
    if (!prev) throw badRule(u.loc, `rule '${u.name}' has 'append' but no rule by that name already exists`);
    if (u.cond === undefined && u.exceptions === undefined && u.output === undefined && u.desc === undefined && u.tags === undefined) {
      throw badRule(u.loc, `appended rule '${u.name}' must have exceptions or condition property`);
    }
    if (u.cond && u.cond.text.length > 0) prev.cond = prev.cond.concat(' ', u.cond);
    if (u.output && u.output.text.length > 0) prev.output = prev.output.concat(' ', u.output);
    if (u.desc) prev.desc = `${prev.desc} ${u.desc}`;
    if (u.tags) prev.tags = [...new Set([...prev.tags, ...u.tags])];
    for (const ex of u.exceptions ?? []) {
      const same = prev.exceptions.find((e) => e.name === ex.name);
      if (!same) {
        if (!ex.fields) throw badRule(ex.loc, `rule exception '${ex.name}' must have fields property with a list of fields`);
        if (ex.values.length === 0) throw badRule(ex.loc, `rule exception '${ex.name}' must have values property with a list of values`);
        prev.exceptions.push(ex);
      } else {
        if (ex.fields) throw badRule(ex.loc, `can not append exception fields to existing exception '${ex.name}', only values`);
        if (ex.comps) throw badRule(ex.loc, `can not append exception comps to existing exception '${ex.name}', only values`);
        same.values = [...same.values, ...ex.values];
      }
    }
    this.next++;
  }

  replaceRule(u: RuleUpdate): void {
    const prev = this.prevRule(u.name, u.source, u.loc);
    if (!prev) throw badRule(u.loc, `rule '${u.name}' has 'override' but no rule by that name already exists`);
    if (u.cond !== undefined) prev.cond = u.cond;
    if (u.output !== undefined) prev.output = u.output;
    if (u.desc !== undefined) prev.desc = u.desc;
    if (u.tags !== undefined) prev.tags = u.tags;
    if (u.exceptions !== undefined) prev.exceptions = u.exceptions;
    if (u.priority !== undefined) prev.priority = u.priority;
    if (u.enabled !== undefined) prev.enabled = u.enabled;
    if (u.stateful !== undefined) prev.stateful = { ...prev.stateful, ...u.stateful };
    this.next++;
  }

  enableRule(name: string, enabled: boolean, loc: Location): void {
    const prev = this.rules.get(name);
    if (!prev) throw badRule(loc, `rule '${name}' has 'enabled' key but no rule by that name already exists`);
    prev.enabled = enabled;
  }

  private prevRule(name: string, source: string | undefined, loc: Location): RuleDef | undefined {
    const prev = this.rules.get(name);
    if (prev && source !== undefined && source !== '' && prev.source !== source) {
      throw badRule(loc, `rule '${name}' has been re-defined with a different source (${prev.source} -> ${source})`);
    }
    return prev;
  }
}
