/**
 * `argus rules import ...`: bring foreign detection rules into Argus rule files.
 *   import sigma DIR|FILE [-o FILE]   translate Sigma rules (src/detect/sigma); lists what could not be translated
 *   import falco FILE [-o FILE]       Falco rule files are native: validated with the engine's loader, written as-is
 * The rule file goes to FILE (or stdout); diagnostics go to stderr. Exit 0 when everything was
 * imported, 1 when anything failed, 2 on bad usage (missing input).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { ArgusError, isArgusError } from '../../core/index.ts';
import { describeWarning, loadRuleFiles } from '../../detect/index.ts';
import { importSigma, importSigmaDir, joinRuleFiles } from '../../detect/sigma/index.ts';
import type { SigmaDirImport } from '../../detect/sigma/index.ts';

function err(s: string): void {
  process.stderr.write(`${s}\n`);
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ArgusError('BAD_REQUEST', `${what}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function emit(text: string, output: string | undefined): void {
  if (output === undefined) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  else writeFileSync(output, text);
}

function sigmaInput(input: string): SigmaDirImport {
  let isDir: boolean;
  try {
    isDir = statSync(input).isDirectory();
  } catch (e) {
    throw new ArgusError('BAD_REQUEST', `sigma: cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (isDir) return importSigmaDir(input);
  const r = importSigma(readText(input, 'sigma'), basename(input));
  return r.ok ? { rules: [{ path: basename(input), ruleYaml: r.ruleYaml, rule: r.rule }], failed: [] } : { rules: [], failed: [{ path: input, reason: r.reason }] };
}

/** Engine check of the translated rules, one by one, so one bad translation names its own file. */
function engineCheck(res: SigmaDirImport): SigmaDirImport {
  const rules: SigmaDirImport['rules'] = [];
  const failed = [...res.failed];
  for (const r of res.rules) {
    try {
      loadRuleFiles([{ path: r.path, text: r.ruleYaml }]);
      rules.push(r);
    } catch (e) {
      failed.push({ path: r.path, reason: `translated rule rejected by the engine: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  return { rules, failed };
}

function importSigmaCommand(input: string, opts: { output?: string }): void {
  const res = engineCheck(sigmaInput(input));
  const total = res.rules.length + res.failed.length;
  if (res.rules.length > 0) {
    const head = `# Argus rules imported from Sigma (${res.rules.length} rules). Each rule keeps its author (Detection Rule License 1.1).\n`;
    emit(head + joinRuleFiles(res.rules.map((r) => r.ruleYaml)), opts.output);
  }
  for (const f of res.failed) err(`${f.path}: not translated: ${f.reason}`);
  err(`Imported ${res.rules.length} of ${total} Sigma rules${opts.output ? ` into ${opts.output}` : ''}; ${res.failed.length} could not be translated.`);
  process.exitCode = res.failed.length > 0 || total === 0 ? 1 : 0;
}

function importFalcoCommand(file: string, opts: { output?: string }): void {
  const text = readText(file, 'falco');
  try {
    const rs = loadRuleFiles([{ path: file, text }]);
    for (const w of rs.warnings) err(`warning: ${describeWarning(w)}`);
    emit(text, opts.output);
    err(`${file}: ${rs.rules.length} rules loaded${opts.output ? `, written to ${opts.output}` : ''}.`);
    process.exitCode = 0;
  } catch (e) {
    if (!isArgusError(e) || e.code !== 'BAD_RULE') throw e;
    err(e.message);
    err(`${file}: not imported.`);
    process.exitCode = 1;
  }
}

function checkOutputDir(output: string | undefined): void {
  if (output === undefined) return;
  try {
    if (statSync(dirname(output)).isDirectory()) return;
  } catch {
    // reported below
  }
  throw new ArgusError('BAD_REQUEST', `-o ${output}: directory ${dirname(output)} does not exist`);
}

/** Attaches `import sigma|falco` under the `rules` command (created when no one registered it yet). */
export function registerRulesImportCommand(program: Command): void {
  const rules = program.commands.find((c) => c.name() === 'rules') ?? program.command('rules').description('Detection rules: import, test, reload');
  const imp = rules.command('import').description('Import foreign rules as Argus rule files');
  imp
    .command('sigma')
    .description('Translate Sigma rules (a directory, searched recursively, or one file) into an Argus rule file')
    .argument('<dir>', 'directory of Sigma *.yml rules, or one rule file')
    .option('-o, --output <file>', 'write the rule file here instead of stdout')
    .action((dir: string, opts: { output?: string }) => {
      checkOutputDir(opts.output);
      importSigmaCommand(dir, opts);
    });
  imp
    .command('falco')
    .description('Validate a Falco rules file with the Argus engine and write it out unchanged')
    .argument('<file>', 'Falco rules YAML file')
    .option('-o, --output <file>', 'write the rule file here instead of stdout')
    .action((file: string, opts: { output?: string }) => {
      checkOutputDir(opts.output);
      importFalcoCommand(file, opts);
    });
}
