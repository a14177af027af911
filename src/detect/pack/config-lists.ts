/**
 * Lists the configuration sets in the rules: `detection.trustedRegistries` becomes the list
 * `argus_trusted_registries`, as a rule file loaded right after the pack that redefines it. A
 * rule file of yours loaded later can still append to it or redefine it (Falco semantics).
 */
import type { RuleFileInput } from '../index.ts';

export const TRUSTED_REGISTRIES_LIST = 'argus_trusted_registries';
export const CONFIG_LISTS_PATH = 'config:detection.trustedRegistries';

/** The rule file (JSON, which is YAML) that defines the configured lists. */
export function configListsFile(detection: { trustedRegistries: readonly string[] }): RuleFileInput {
  return { path: CONFIG_LISTS_PATH, text: `${JSON.stringify([{ list: TRUSTED_REGISTRIES_LIST, items: detection.trustedRegistries }])}\n` };
}

/** True when the registries are the defaults (the startup log then asks for the user's own list). */
export function isDefaultRegistries(list: readonly string[], defaults: readonly string[]): boolean {
  return list.length === defaults.length && list.every((r, i) => r === defaults[i]);
}
