/**
 * The built-in K05 rule pack: Falco-shaped rule files in ./rules/ (loaded in file-name order,
 * `00-lists.yaml` first), each with its test cases in a sibling `<name>.tests.yaml`.
 * See docs/rules.md for the rules and how to tune them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleFileInput } from '../index.ts';
import { isTestFile } from './test-file.ts';

export const BUILTIN_RULES_DIR = join(import.meta.dirname, 'rules');

function readDir(dir: string, want: (name: string) => boolean): RuleFileInput[] {
  return readdirSync(dir)
    .filter((n) => (n.endsWith('.yaml') || n.endsWith('.yml')) && want(n))
    .sort()
    .map((n) => ({ path: `builtin/${n}`, text: readFileSync(join(dir, n), 'utf8') }));
}

/** The pack's rule files, in load order. */
export function builtinRuleFiles(): RuleFileInput[] {
  return readDir(BUILTIN_RULES_DIR, (n) => !isTestFile(n));
}

/** The pack's test files (`*.tests.yaml`). */
export function builtinTestFiles(): RuleFileInput[] {
  return readDir(BUILTIN_RULES_DIR, isTestFile);
}

export { runRuleTests } from './rule-tests.ts';
export type { CaseResult, CaseStatus, RuleTestReport, RuleTestOptions } from './rule-tests.ts';
export type { CaseAlert } from './case-evaluator.ts';
export { parseTestFile, isTestFile } from './test-file.ts';
export type { RuleTestCase } from './test-file.ts';
export { buildCaseEvents } from './test-events.ts';
export { configListsFile, isDefaultRegistries, TRUSTED_REGISTRIES_LIST } from './config-lists.ts';
