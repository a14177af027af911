/**
 * The built-in K05 rule pack: Falco-shaped rule files in ./rules/ (loaded in file-name order,
 * `00-lists.yaml` first), each with its test cases in a sibling `<name>.tests.yaml`.
 * See docs/rules.md for the rules and how to tune them.
 */
import { join } from 'node:path';
import type { RuleFileInput } from '../rule-file.ts';
import { readRuleDir } from '../rule-dir.ts';

export const BUILTIN_RULES_DIR = join(import.meta.dirname, 'rules');

const builtin = () => readRuleDir(BUILTIN_RULES_DIR, (n) => `builtin/${n}`);

/** The pack's rule files, in load order (the one rule-directory reader, ../rule-dir.ts). */
export function builtinRuleFiles(): RuleFileInput[] {
  return builtin().rules;
}

/** The pack's test files (`*.tests.yaml`). */
export function builtinTestFiles(): RuleFileInput[] {
  return builtin().tests;
}

export { runRuleTests } from './rule-tests.ts';
export type { CaseResult, CaseStatus, RuleTestReport, RuleTestOptions } from './rule-tests.ts';
export type { CaseAlert } from './case-evaluator.ts';
export { parseTestFile, isTestFile } from './test-file.ts';
export type { RuleTestCase } from './test-file.ts';
export { buildCaseEvents } from './test-events.ts';
export { configListsFile, isDefaultRegistries, TRUSTED_REGISTRIES_LIST } from './config-lists.ts';
