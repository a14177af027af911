/**
 * The server's rule files: the built-in pack (unless `detection.builtin: false`), then
 * `detection.rules` (files, or directories read by the one rule-directory reader, ../rule-dir.ts).
 * `argus detect --config` uses the same function, so offline detection loads what the server does.
 */
import { builtinRuleFiles } from '../pack/index.ts';
import type { RuleFileInput } from '../rule-file.ts';
import { readRulePaths } from '../rule-dir.ts';

export { readRulePaths };

export function detectionRuleFiles(detection: { builtin: boolean; rules: readonly string[] }): RuleFileInput[] {
  return [...(detection.builtin ? builtinRuleFiles() : []), ...readRulePaths(detection.rules)];
}
