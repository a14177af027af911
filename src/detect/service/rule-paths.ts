/**
 * Rule loading, one for every entry point (server, `argus detect`, the demo, tests): the built-in
 * pack, then rule paths: a file, or a directory whose *.yaml / *.yml files (sub-directories
 * included) are read in path order, rule test files (`*.tests.yaml`) left out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ArgusError } from '../../core/index.ts';
import { builtinRuleFiles } from '../pack/index.ts';
import type { RuleFileInput } from '../rule-file.ts';

export function readRulePaths(paths: readonly string[]): RuleFileInput[] {
  const out: RuleFileInput[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      throw new ArgusError('BAD_RULE', `${p}: cannot read rules: ${(e as Error).message}`);
    }
    const files = st.isDirectory()
      ? readdirSync(p, { recursive: true, encoding: 'utf8' })
          .filter((f) => /\.ya?ml$/i.test(f) && !/\.tests\.ya?ml$/i.test(f))
          .sort()
          .map((f) => join(p, f))
      : [p];
    for (const f of files) out.push({ path: f, text: readFileSync(f, 'utf8') });
  }
  return out;
}

/** The rule files detection loads: the built-in pack (unless `builtin: false`), then `rules`. */
export function detectionRuleFiles(o: { builtin: boolean; rules: readonly string[] }): RuleFileInput[] {
  return [...(o.builtin ? builtinRuleFiles() : []), ...readRulePaths(o.rules)];
}
