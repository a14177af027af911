/**
 * The server's rule files: the built-in pack (unless `detection.builtin: false`), the lists the
 * config sets (`detection.trustedRegistries` as `argus_trusted_registries`, right after the pack so
 * a user file can still append), then `detection.rules` (files, or directories read by the one
 * rule-directory reader, ../rule-dir.ts).
 * `argus detect --config` uses the same function, so offline detection loads what the server does.
 */
import { builtinRuleFiles, configListsFile } from '../pack/index.ts';
import type { RuleFileInput } from '../rule-file.ts';
import { readRulePaths } from '../rule-dir.ts';

export { readRulePaths };

export function detectionRuleFiles(detection: { builtin: boolean; rules: readonly string[]; trustedRegistries: readonly string[] }): RuleFileInput[] {
  return [...(detection.builtin ? builtinRuleFiles() : []), configListsFile(detection), ...readRulePaths(detection.rules)];
}
