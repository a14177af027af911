/**
 * One `- rule:` item: a definition, an `append: true` update, an `override:` update, or an
 * `enabled`-only toggle of an earlier rule (rule_loader_reader.cpp). Argus adds `id` and the
 * reserved stateful keys (threshold, dedupe, absence, sequence).
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import type { Collector, ExceptionDef, ExEntry, RuleUpdate } from './collector.ts';
import { parsePriority } from './priority.ts';
import type { Item } from './rule-file.ts';
import { bool, checkKeys, overrides, str, text, value, valueLoc } from './rule-file.ts';
import { badRule } from './source-text.ts';
import type { SequenceSpec, StatefulSpec } from './stateful.ts';
import { parseStateful, STATEFUL_KEYS, statefulConflict, stepSources } from './stateful.ts';
import { locOf, resolve, scalarText, toJs } from './yaml-source.ts';

const RULE_KEYS = [
  'rule',
  'condition',
  'output',
  'desc',
  'priority',
  'source',
  'enabled',
  'capture',
  'capture_duration',
  'warn_evttypes',
  'skip-if-unknown-filter',
  'tags',
  'exceptions',
  'override',
  'append',
  'id',
  'author',
  ...STATEFUL_KEYS,
];
const APPENDABLE = ['condition', 'output', 'desc', 'tags', 'exceptions'];
const REPLACEABLE = [
  'condition',
  'output',
  'desc',
  'priority',
  'capture',
  'capture_duration',
  'tags',
  'exceptions',
  'enabled',
  'warn_evttypes',
  'skip-if-unknown-filter',
  ...STATEFUL_KEYS,
];

function priority(it: Item) {
  const p = str(it, 'priority', true)!;
  const parsed = parsePriority(p);
  if (!parsed) throw badRule(valueLoc(it, 'priority'), `invalid priority '${p}'`);
  return parsed;
}

function tags(it: Item): string[] {
  const v = value(it, 'tags');
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((t) => typeof t === 'object')) throw badRule(valueLoc(it, 'tags'), "'tags' must be a sequence of strings");
  return [...new Set(v.map(String))];
}

function stateful(it: Item, only?: Set<string>): StatefulSpec {
  const spec: Record<string, unknown> = {};
  for (const k of STATEFUL_KEYS) {
    if (!it.keys.has(k) || (only && !only.has(k))) continue;
    const r = parseStateful(k, value(it, k));
    if (!r.ok) throw badRule(valueLoc(it, k), r.error);
    spec[k] = r.value;
    if (k === 'sequence') stepSources.set(r.value as SequenceSpec, stepTexts(it));
  }
  const conflict = statefulConflict(spec as StatefulSpec);
  if (conflict) throw badRule(it.loc, conflict);
  return spec as StatefulSpec;
}

/** The `condition` of each `sequence.steps[i]` as located text (undefined for `rule:` steps). */
function stepTexts(it: Item) {
  const get = (m: unknown, key: string): unknown => {
    const n = resolve(it.f, m);
    return isMap(n) ? (n as YAMLMap).items.find((p) => toJs(it.f, p.key) === key)?.value : undefined;
  };
  const steps = resolve(it.f, get(it.keys.get('sequence')?.value, 'steps'));
  if (!isSeq(steps)) return [];
  return steps.items.map((step, i) => {
    const c = get(step, 'condition');
    return c === undefined ? undefined : scalarText(it.f, c, `sequence.steps.${i}.condition`, locOf(it.f, c as never, it.loc));
  });
}

function entry(it: Item, node: unknown, what: string): ExEntry {
  const n = resolve(it.f, node);
  const loc = locOf(it.f, n as never, it.loc);
  if (isSeq(n)) return { kind: 'list', items: n.items.map((x) => entry(it, x, what)) };
  if (isScalar(n) && n.value !== null && typeof n.value !== 'object') {
    const s = String(n.value);
    if (s.length === 0) throw badRule(loc, `${what}: value must be non-empty`);
    return { kind: 'item', value: s };
  }
  throw badRule(loc, `${what}: expected a string or a sequence`);
}

function exceptions(it: Item, isUpdate: boolean): ExceptionDef[] | undefined {
  const p = it.keys.get('exceptions');
  if (!p) return undefined;
  const node = resolve(it.f, p.value);
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) throw badRule(valueLoc(it, 'exceptions'), 'rule exceptions must be a sequence');
  return node.items.map((exNode) => {
    const ex = resolve(it.f, exNode);
    const loc = locOf(it.f, ex as never, it.loc);
    if (!isMap(ex)) throw badRule(loc, 'rule exception must be a mapping');
    const get = (k: string) => ex.items.find((pair) => toJs(it.f, pair.key) === k)?.value;
    for (const pair of ex.items) {
      const k = String(toJs(it.f, pair.key));
      if (!['name', 'fields', 'comps', 'values'].includes(k)) throw badRule(locOf(it.f, pair, loc), `unknown key '${k}' in exception`);
    }
    const name = toJs(it.f, get('name'));
    if (typeof name !== 'string' || name === '') throw badRule(loc, "rule exception must have a 'name'");
    const def: ExceptionDef = { name, values: [], loc };
    if (get('fields') !== undefined) def.fields = entry(it, get('fields'), `exception '${name}' fields`);
    else if (!isUpdate) throw badRule(loc, `rule exception '${name}' must have fields property with a list of fields`);
    if (get('comps') !== undefined) def.comps = entry(it, get('comps'), `exception '${name}' comps`);
    const vals = resolve(it.f, get('values'));
    if (vals !== undefined && vals !== null && !(isScalar(vals) && vals.value === null)) {
      if (!isSeq(vals)) throw badRule(locOf(it.f, vals as never, loc), 'rule exception values must be a sequence');
      def.values = vals.items.map((v) => entry(it, v, `exception '${name}' values`));
    }
    return def;
  });
}

function update(it: Item, name: string, keys: Set<string>, isAppend: boolean): RuleUpdate {
  const u: RuleUpdate = { name, loc: it.loc };
  const src = str(it, 'source', false);
  if (src !== undefined) u.source = src;
  if (keys.has('condition')) u.cond = text(it, 'condition');
  if (keys.has('output')) u.output = text(it, 'output');
  if (keys.has('desc')) u.desc = str(it, 'desc', true)!;
  if (keys.has('tags')) u.tags = tags(it);
  if (keys.has('exceptions')) u.exceptions = exceptions(it, isAppend) ?? [];
  if (keys.has('priority')) u.priority = priority(it);
  if (keys.has('enabled')) u.enabled = bool(it, 'enabled')!;
  if (STATEFUL_KEYS.some((k) => keys.has(k))) u.stateful = stateful(it, keys);
  return u;
}

export function readRule(it: Item, col: Collector): void {
  checkKeys(it, RULE_KEYS, 'rule');
  const name = str(it, 'rule', true)!;
  const appendFlag = bool(it, 'append') ?? false;
  const { append, replace } = overrides(it, APPENDABLE, REPLACEABLE);
  if (appendFlag && append.size + replace.size > 0) throw badRule(it.loc, "keys 'override' and 'append: true' cannot be used together");

  if (append.size + replace.size > 0) {
    const declared = new Set([...append, ...replace]);
    for (const k of it.keys.keys()) {
      if (!['rule', 'override', 'source', 'id'].includes(k) && !declared.has(k)) {
        throw badRule(valueLoc(it, k), `unexpected key '${k}': no corresponding entry under 'override' is defined`);
      }
    }
    if (append.size > 0) col.appendRule(update(it, name, append, true));
    if (replace.size > 0) col.replaceRule(update(it, name, replace, false));
    return;
  }
  if (appendFlag) {
    const keys = new Set([...it.keys.keys()].filter((k) => APPENDABLE.includes(k)));
    col.appendRule(update(it, name, keys, true));
    return;
  }
  if (!['condition', 'output', 'desc', 'priority'].some((k) => it.keys.has(k))) {
    const enabled = bool(it, 'enabled');
    if (enabled === undefined) throw badRule(it.loc, `rule '${name}' has no condition, output, desc or priority, and no 'enabled'`);
    col.enableRule(name, enabled, it.loc);
    return;
  }
  for (const k of ['condition', 'output', 'desc', 'priority']) {
    if (!it.keys.has(k)) throw badRule(it.loc, `rule '${name}' is missing required key '${k}'`);
  }
  const def = {
    name,
    cond: text(it, 'condition'),
    output: text(it, 'output').trim(),
    desc: str(it, 'desc', true)!,
    priority: priority(it),
    source: str(it, 'source', false) ?? 'syscall',
    tags: tags(it),
    enabled: bool(it, 'enabled') ?? true,
    exceptions: exceptions(it, false) ?? [],
    stateful: stateful(it),
    loc: it.loc,
  };
  const id = str(it, 'id', false);
  const author = str(it, 'author', false);
  col.defineRule({ ...def, ...(id === undefined ? {} : { id }), ...(author === undefined ? {} : { author }) });
}

