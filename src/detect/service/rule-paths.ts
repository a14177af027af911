/** Reads rule files from paths: a file, or a directory whose *.yaml / *.yml files are read in name order. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ArgusError } from '../../core/index.ts';
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
      ? readdirSync(p).filter((f) => /\.ya?ml$/.test(f) && !/\.tests\.ya?ml$/.test(f)).sort().map((f) => join(p, f))
      : [p];
    for (const f of files) out.push({ path: f, text: readFileSync(f, 'utf8') });
  }
  return out;
}
