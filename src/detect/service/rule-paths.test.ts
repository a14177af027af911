/** One rule loading for every entry point: files and directories (nested too), rule test files left out. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../store/embedded/test-helpers.ts';
import { builtinRuleFiles } from '../pack/index.ts';
import { detectionRuleFiles, readRulePaths } from './rule-paths.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('rule paths', () => {
  it('reads a directory in path order, sub-directories included, without *.tests.yaml', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    mkdirSync(join(t.dir, 'team'));
    for (const f of ['b.yaml', 'a.yml', 'a.tests.yaml', 'notes.txt', 'team/c.yaml']) writeFileSync(join(t.dir, f), `# ${f}\n`);
    expect(readRulePaths([t.dir]).map((f) => f.path.slice(t.dir.length + 1))).toEqual(['a.yml', 'b.yaml', join('team', 'c.yaml')]);
  });

  it('puts the built-in pack first unless builtin is false; a missing path is BAD_RULE', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const own = join(t.dir, 'own.yaml');
    writeFileSync(own, '# own\n');
    const pack = builtinRuleFiles().length;
    expect(pack).toBeGreaterThan(0);
    expect(detectionRuleFiles({ builtin: true, rules: [own] }).map((f) => f.path).slice(pack)).toEqual([own]);
    expect(detectionRuleFiles({ builtin: false, rules: [own] })).toHaveLength(1);
    expect(() => detectionRuleFiles({ builtin: false, rules: [join(t.dir, 'nope')] })).toThrow(expect.objectContaining({ code: 'BAD_RULE' }));
  });
});
