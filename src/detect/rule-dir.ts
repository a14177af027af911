/**
 * The one rule-directory reader, shared by the server (`detection.rules`), `argus detect --rules`,
 * `argus rules test` and the built-in pack: a directory's `*.yaml` / `*.yml` files (not its
 * subdirectories), in name order; `*.tests.yaml` / `*.tests.yml` files are rule tests, not rules.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ArgusError } from '../core/index.ts';
import type { RuleFileInput } from './rule-file.ts';

export function isRuleTestFile(path: string): boolean {
  return /\.tests\.ya?ml$/.test(path);
}

function isYaml(name: string): boolean {
  return /\.ya?ml$/.test(name);
}

export interface RuleDirFiles {
  rules: RuleFileInput[];
  tests: RuleFileInput[];
}

/** A directory's rule files and test files, each in name order; `label` names them (default: the path). */
export function readRuleDir(dir: string, label: (name: string) => string = (n) => join(dir, n)): RuleDirFiles {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => !d.isDirectory() && isYaml(d.name))
    .map((d) => d.name)
    .sort();
  const read = (n: string): RuleFileInput => ({ path: label(n), text: readFileSync(join(dir, n), 'utf8') });
  return { rules: names.filter((n) => !isRuleTestFile(n)).map(read), tests: names.filter(isRuleTestFile).map(read) };
}

function statOf(p: string) {
  try {
    return statSync(p);
  } catch (e) {
    throw new ArgusError('BAD_RULE', `${p}: cannot read rules: ${(e as Error).message}`);
  }
}

/** Rule files from paths: a file as given, or a directory's rule files (readRuleDir). */
export function readRulePaths(paths: readonly string[]): RuleFileInput[] {
  const out: RuleFileInput[] = [];
  for (const p of paths) {
    if (statOf(p).isDirectory()) out.push(...readRuleDir(p).rules);
    else {
      try {
        out.push({ path: p, text: readFileSync(p, 'utf8') });
      } catch (e) {
        throw new ArgusError('BAD_RULE', `${p}: cannot read rules: ${(e as Error).message}`);
      }
    }
  }
  return out;
}
