/**
 * Reads one Falco-format rules file (YAML sequence of list / macro / rule / required_*_version
 * items) into the collector. Any problem is a BAD_RULE with file:line:column.
 */
import type { Pair, YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Collector } from './collector.ts';
import { readRule } from './rule-item.ts';
import type { Location } from './source-text.ts';
import { badRule } from './source-text.ts';
import type { YamlFile } from './yaml-source.ts';
import { locAt, locOf, resolve, scalarText, toJs } from './yaml-source.ts';

export interface RuleFileInput {
  path: string;
  text: string;
}

export interface Item {
  f: YamlFile;
  loc: Location;
  keys: Map<string, Pair>;
}

export function readRuleFile(input: RuleFileInput, col: Collector): void {
  const lc = new LineCounter();
  const docs = parseAllDocuments(input.text, { lineCounter: lc, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const f: YamlFile = { path: input.path, text: input.text, lc, doc };
    const err = doc.errors[0];
    if (err) {
      const loc = locAt(f, err.pos[0]);
      throw badRule(loc, `YAML syntax error: ${err.message.split('\n')[0]}`);
    }
    const contents = resolve(f, doc.contents);
    if (contents === null || contents === undefined || (isScalar(contents) && contents.value === null)) continue;
    if (!isSeq(contents)) throw badRule(locOf(f, doc.contents as never), 'rules content is not a yaml array of objects');
    for (const node of contents.items) {
      const n = resolve(f, node);
      if (n === null || n === undefined || (isScalar(n) && n.value === null)) continue;
      const loc = locOf(f, n as never);
      if (!isMap(n)) throw badRule(loc, 'unexpected element type: each element should be a yaml associative array');
      readItem({ f, loc, keys: keysOf(f, n, loc) }, col);
    }
  }
}

function keysOf(f: YamlFile, map: YAMLMap, loc: Location): Map<string, Pair> {
  const keys = new Map<string, Pair>();
  for (const pair of map.items) {
    const k = toJs(f, pair.key);
    if (typeof k !== 'string') throw badRule(locOf(f, pair, loc), 'keys must be strings');
    if (keys.has(k)) throw badRule(locOf(f, pair, loc), `duplicate key '${k}'`);
    keys.set(k, pair);
  }
  return keys;
}

export function keyLoc(it: Item, key: string): Location {
  return locOf(it.f, it.keys.get(key), it.loc);
}

export function valueLoc(it: Item, key: string): Location {
  const p = it.keys.get(key);
  return locOf(it.f, (p?.value ?? p) as never, it.loc);
}

export function value(it: Item, key: string): unknown {
  const p = it.keys.get(key);
  return p ? toJs(it.f, p.value) : undefined;
}

export function str(it: Item, key: string, required: boolean): string | undefined {
  const v = value(it, key);
  if (v === undefined || v === null) {
    if (required) throw badRule(it.loc, `missing required key '${key}'`);
    return undefined;
  }
  if (typeof v === 'object') throw badRule(valueLoc(it, key), `'${key}' must be a string`);
  return String(v);
}

export function bool(it: Item, key: string): boolean | undefined {
  const v = value(it, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw badRule(valueLoc(it, key), `'${key}' must be true or false`);
  return v;
}

export function text(it: Item, key: string) {
  return scalarText(it.f, it.keys.get(key)?.value, `'${key}'`, valueLoc(it, key));
}

export function checkKeys(it: Item, allowed: readonly string[], what: string): void {
  for (const k of it.keys.keys()) {
    if (!allowed.includes(k)) throw badRule(keyLoc(it, k), `unknown key '${k}' in ${what}`);
  }
}

/** override: {key: append|replace} -> the two key sets, checked against what is allowed. */
export function overrides(it: Item, appendable: readonly string[], replaceable: readonly string[]) {
  const append = new Set<string>();
  const replace = new Set<string>();
  const o = value(it, 'override');
  if (o === undefined) return { append, replace };
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw badRule(valueLoc(it, 'override'), "'override' must be a mapping");
  for (const [k, mode] of Object.entries(o)) {
    if (mode === 'append' && appendable.includes(k)) append.add(k);
    else if (mode === 'replace' && replaceable.includes(k)) replace.add(k);
    else throw badRule(valueLoc(it, 'override'), `key '${k}' cannot be overridden with '${String(mode)}'`);
    if (!it.keys.has(k)) throw badRule(valueLoc(it, 'override'), `an override for '${k}' was specified but '${k}' is not defined`);
  }
  return { append, replace };
}

function readItems(it: Item): string[] {
  const v = value(it, 'items');
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRule(valueLoc(it, 'items'), "list 'items' must be a sequence");
  const out: string[] = [];
  for (const x of v) {
    if (x === null || x === undefined) continue;
    if (typeof x === 'object') throw badRule(valueLoc(it, 'items'), 'list items must be strings');
    out.push(String(x));
  }
  return out;
}

function readItem(it: Item, col: Collector): void {
  if (it.keys.has('required_engine_version')) {
    checkKeys(it, ['required_engine_version'], 'required_engine_version');
    const v = value(it, 'required_engine_version');
    if (typeof v !== 'number' && !(typeof v === 'string' && /^\d+(\.\d+){0,2}$/.test(v.trim()))) {
      throw badRule(valueLoc(it, 'required_engine_version'), 'required_engine_version must be a number or an "x.y.z" version');
    }
  } else if (it.keys.has('required_plugin_versions')) {
    checkKeys(it, ['required_plugin_versions'], 'required_plugin_versions');
    const v = value(it, 'required_plugin_versions');
    const ok = (p: unknown): boolean =>
      typeof p === 'object' && p !== null && typeof (p as { name?: unknown }).name === 'string' && (p as { version?: unknown }).version !== undefined;
    const valid =
      Array.isArray(v) &&
      v.every((p) => ok(p) && (((p as { alternatives?: unknown[] }).alternatives ?? []) as unknown[]).every(ok));
    if (!valid) throw badRule(valueLoc(it, 'required_plugin_versions'), 'required_plugin_versions must be a sequence of {name, version}');
  } else if (it.keys.has('list')) {
    checkKeys(it, ['list', 'items', 'append', 'override'], 'list');
    const name = str(it, 'list', true)!;
    const { append, replace } = overrides(it, ['items'], ['items']);
    const appendFlag = bool(it, 'append') ?? false;
    if (appendFlag && append.size + replace.size > 0) throw badRule(it.loc, "keys 'override' and 'append: true' cannot be used together");
    if (appendFlag || append.has('items')) col.appendList(name, readItems(it), it.loc);
    else col.defineList(name, readItems(it), it.loc);
  } else if (it.keys.has('macro')) {
    checkKeys(it, ['macro', 'condition', 'append', 'override'], 'macro');
    const name = str(it, 'macro', true)!;
    if (!it.keys.has('condition')) throw badRule(it.loc, `macro '${name}' is missing 'condition'`);
    const { append, replace } = overrides(it, ['condition'], ['condition']);
    const appendFlag = bool(it, 'append') ?? false;
    if (appendFlag && append.size + replace.size > 0) throw badRule(it.loc, "keys 'override' and 'append: true' cannot be used together");
    if (appendFlag || append.has('condition')) col.appendMacro(name, text(it, 'condition'), it.loc);
    else col.defineMacro(name, text(it, 'condition'), it.loc);
  } else if (it.keys.has('rule')) {
    readRule(it, col);
  } else {
    throw badRule(it.loc, `unknown top level item (keys: ${[...it.keys.keys()].join(', ')})`);
  }
}
