/**
 * The `argus` command line. Each command lives in its own file under commands/ and registers
 * itself on the program given to it; this file only lists them.
 * Exit codes: 0 ok, 1 problem found, 2 bad usage or config.
 */
import { Command, CommanderError } from 'commander';
import { describeFailure } from './cli-error.ts';
import { registerServerCommand } from './commands/server.ts';
import { registerQueryCommand } from './commands/query.ts';
import { registerTailCommand } from './commands/tail.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerIngestCommand } from './commands/ingest.ts';
import { registerRulesImportCommand } from './commands/rules-import.ts';
import { registerRulesTestCommand } from './commands/rules-test.ts';
import { registerRulesReloadCommand } from './commands/rules-reload.ts';
import { registerDetectCommand } from './commands/detect.ts';
import { registerPolicyCommands } from './commands/policy.ts';

const program = new Command();
program
  .name('argus')
  .description('Centralized, tamper-evident logging and security monitoring for containers and Kubernetes')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const commands: Array<(p: Command) => void> = [
  registerServerCommand,
  registerQueryCommand,
  registerTailCommand,
  registerDemoCommand,
  registerIngestCommand,
  registerRulesImportCommand,
  registerRulesTestCommand,
  registerRulesReloadCommand,
  registerDetectCommand,
  registerPolicyCommands,
];

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // commander has printed its own message (unknown option, missing argument, --help)
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  const f = describeFailure(e);
  process.stderr.write(`argus: ${f.message}\n`);
  if (process.env.ARGUS_LOG_LEVEL === 'debug' && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(f.exitCode);
}
