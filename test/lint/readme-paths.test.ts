/**
 * The README's examples run as written: every input a command reads (`--input`, `--k8s-audit`,
 * `policy lint`, `rules test`, `rules import sigma`, links to docs) is a file of the repository,
 * of the public samples beside it, or made by an earlier line of the README (`> FILE`,
 * `--write-audit FILE`, `-o FILE`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

const READS = [/--input (\S+)/g, /--k8s-audit (\S+)/g, /policy lint (\S+)/g, /rules test (\S+)/g, /import sigma (\S+)/g, /--config (\S+)/g];
const MAKES = [/> (\S+)/g, /--write-audit (\S+)/g, /(?:-o|--output) (\S+\.\w+)/g];

it('every file a README example reads exists, or an earlier example makes it', () => {
  const made = new Set<string>();
  const missing: string[] = [];
  const commands = README.split('\n').filter((l) => l.startsWith('node bin/argus.js') || l.startsWith('npm '));
  expect(commands.length).toBeGreaterThan(10);
  for (const line of commands) {
    const code = line.replace(/\s+#.*$/, '');
    for (const re of READS) {
      for (const m of code.matchAll(re)) {
        const f = m[1]!.replace(/['"]/g, '');
        if (f.startsWith('-') || made.has(f)) continue;
        // the public samples live beside the repository (absent on a bare clone: not checked then)
        if (f.startsWith('../shared/samples/') && !existsSync(resolve(ROOT, '../shared/samples'))) continue;
        if (!existsSync(resolve(ROOT, f))) missing.push(`${f} (in: ${code})`);
      }
    }
    for (const re of MAKES) for (const m of code.matchAll(re)) made.add(m[1]!);
  }
  expect(missing).toEqual([]);
});

it('every document the README links to exists', () => {
  const links = [...README.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
  expect(links.length).toBeGreaterThan(5);
  expect(links.filter((l) => !existsSync(resolve(ROOT, l)))).toEqual([]);
});
