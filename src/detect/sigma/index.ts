/**
 * Sigma → Argus rule import. `importSigma` translates one Sigma rule (YAML text) into an
 * Argus rule file for the detection engine; `importSigmaDir` does a directory tree and lists
 * what could not be translated, with the reason. See docs/sigma-import.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { emitCondition } from './emit.ts';
import { pipelineFor } from './field-map.ts';
import { parseSigmaRule } from './parse.ts';
import type { ImportedRule } from './rule.ts';
import { buildRule, ruleFileText } from './rule.ts';

export type { ImportedRule } from './rule.ts';
export { LEVEL_PRIORITY, mitreTag } from './rule.ts';

export type SigmaImport = { ok: true; ruleYaml: string; rule: ImportedRule } | { ok: false; reason: string };

export interface SigmaDirImport {
  rules: { path: string; ruleYaml: string; rule: ImportedRule }[];
  failed: { path: string; reason: string }[];
}

export function importSigma(yamlText: string, path: string, opts: { name?: string } = {}): SigmaImport {
  const parsed = parseSigmaRule(yamlText);
  if (!parsed.ok) return parsed;
  const r = parsed.value;
  const p = pipelineFor(r.logsource);
  if (!p.ok) return p;
  const cond = emitCondition(r.detection, p.value);
  if (!cond.ok) return cond;
  const rule = buildRule(r, p.value, cond.value, opts.name ?? r.title, path);
  return { ok: true, ruleYaml: ruleFileText(rule), rule };
}

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

/** Every `*.yml` / `*.yaml` under `dir`, in path order. Titles that repeat get the Sigma id appended. */
export function importSigmaDir(dir: string): SigmaDirImport {
  const res: SigmaDirImport = { rules: [], failed: [] };
  const names = new Set<string>();
  const ids = new Map<string, string>();
  for (const file of walk(dir, [])) {
    const path = relative(dir, file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      res.failed.push({ path, reason: `cannot read: ${(e as Error).message}` });
      continue;
    }
    let r = importSigma(text, path);
    if (r.ok && names.has(r.rule.name)) r = importSigma(text, path, { name: `${r.rule.name} (${r.rule.id})` });
    if (!r.ok) {
      res.failed.push({ path, reason: r.reason });
      continue;
    }
    const clash = ids.get(r.rule.id);
    if (clash !== undefined) {
      res.failed.push({ path, reason: `Sigma id ${r.rule.id} is also the id of ${clash}` });
      continue;
    }
    ids.set(r.rule.id, path);
    names.add(r.rule.name);
    res.rules.push({ path, ruleYaml: r.ruleYaml, rule: r.rule });
  }
  return res;
}

/** Several imported rule files as one Argus rule file (each keeps its attribution header). */
export function joinRuleFiles(ruleYamls: readonly string[]): string {
  return ruleYamls.join('\n');
}
