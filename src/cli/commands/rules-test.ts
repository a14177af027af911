/**
 * `argus rules test [PATH]`: runs the test cases embedded beside rule files (`<name>.tests.yaml`,
 * see src/detect/pack/test-file.ts). Without PATH it tests the built-in K05 pack.
 *   PATH                a directory (its *.yaml files) or one rule/test file (its sibling comes along)
 *   --with-builtin      load the built-in pack first (for files that override its lists or macros)
 *   -v, --verbose       list passing cases too
 *   -o table|json       output
 * Exit 0 when every case passes, 1 when a case fails or a rule lacks a positive or negative case,
 * 2 on bad usage. Rules of a file without any test file (e.g. from `argus rules import sigma`)
 * are listed as untested and do not fail (the built-in pack must test every rule).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ArgusError } from '../../core/index.ts';
import type { RuleFileInput } from '../../detect/index.ts';
import { readRuleDir } from '../../detect/index.ts';
import { builtinRuleFiles, builtinTestFiles, isTestFile, runRuleTests } from '../../detect/pack/index.ts';
import type { CaseResult, RuleTestReport } from '../../detect/pack/index.ts';

function out(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

function read(path: string): RuleFileInput {
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (e) {
    throw new ArgusError('BAD_REQUEST', `rules test: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** The sibling of a rule file (`x.yaml` <-> `x.tests.yaml`). */
function sibling(path: string): string {
  if (isTestFile(path)) return path.replace(/\.tests\.ya?ml$/, path.endsWith('.yml') ? '.yml' : '.yaml');
  return path.replace(/\.ya?ml$/, '.tests.yaml');
}

export function collectRuleTestFiles(path: string): RuleFileInput[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new ArgusError('BAD_REQUEST', `rules test: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (isDir) {
    const { rules, tests } = readRuleDir(path);
    if (rules.length + tests.length === 0) throw new ArgusError('BAD_REQUEST', `rules test: no .yaml files in ${path}`);
    return [...rules, ...tests];
  }
  const files = [read(path)];
  const other = sibling(path);
  if (other !== path && existsSync(other)) files.push(read(other));
  return files;
}

function line(r: CaseResult): string {
  const tag = r.status === 'pass' ? 'PASS' : 'FAIL';
  const why = r.reason ? `\n      ${r.reason}` : '';
  return `${tag.padEnd(5)}  ${r.rule}: ${r.name} (${r.where})${why}`;
}

export function renderReport(rep: RuleTestReport, verbose: boolean): string {
  const lines: string[] = [];
  for (const r of rep.results) if (verbose || r.status !== 'pass') lines.push(line(r));
  for (const p of rep.problems) lines.push(`ERROR  ${p.where}: ${p.message}`);
  if (rep.untested.length > 0) lines.push(`UNTESTED  ${rep.untested.length} rule(s) without a test file: ${rep.untested.join(', ')}`);
  lines.push(
    `${rep.rules} rules, ${rep.results.length} cases: ${rep.passed} passed, ${rep.failed} failed` +
      (rep.untested.length > 0 ? `, ${rep.untested.length} untested` : '') +
      (rep.problems.length > 0 ? `, ${rep.problems.length} problem(s)` : ''),
  );
  return lines.join('\n');
}

interface Opts {
  withBuiltin?: boolean;
  verbose?: boolean;
  output: string;
}

function run(path: string | undefined, opts: Opts): void {
  if (opts.output !== 'table' && opts.output !== 'json') throw new ArgusError('BAD_REQUEST', `-o: "${opts.output}" is not one of table, json`);
  const files = path === undefined ? [...builtinRuleFiles(), ...builtinTestFiles()] : collectRuleTestFiles(path);
  const context = path !== undefined && opts.withBuiltin ? builtinRuleFiles() : [];
  // the built-in pack must test every rule; a user's file without a test file is reported untested
  const rep = runRuleTests(files, { context, requireTests: path === undefined });
  if (opts.output === 'json') out(JSON.stringify(rep, null, 2));
  else out(renderReport(rep, opts.verbose ?? false));
  process.exitCode = rep.ok ? 0 : 1;
}

export function registerRulesTestCommand(program: Command): void {
  const rules = program.commands.find((c) => c.name() === 'rules') ?? program.command('rules').description('Detection rules: test, import');
  rules
    .command('test')
    .description(`Run the test cases of rule files (default: the built-in K05 pack); exit 1 on any failure`)
    .argument('[path]', 'a rules directory, or a rule file or its .tests.yaml')
    .option('--with-builtin', 'load the built-in pack before PATH (for overrides of its lists)')
    .option('-v, --verbose', 'list passing cases too')
    .option('-o, --output <format>', 'table | json', 'table')
    .action((path: string | undefined, opts: Opts) => run(path === undefined ? undefined : path, opts));
}

