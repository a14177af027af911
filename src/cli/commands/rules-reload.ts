import type { Command } from 'commander';
import { SERVER_HELP, fetchJson, serverUrl } from '../http-client.ts';

/** `argus rules reload`: asks the running server to reload its rule files (same as SIGHUP). */
export function registerRulesReloadCommand(program: Command): void {
  const rules = program.commands.find((c) => c.name() === 'rules') ?? program.command('rules').description('Detection rules');
  rules
    .command('reload')
    .description('Reload the server\'s rule files; an invalid file is rejected with file:line:column and the old rules stay')
    .option('--server <url>', SERVER_HELP)
    .action(async (o: { server?: string }) => {
      const r = (await fetchJson(serverUrl(o.server), '/api/v1/rules/reload', { method: 'POST' })) as { rules: number };
      process.stdout.write(`Reloaded: ${r.rules} rules active\n`);
    });
}
