import type { Command } from 'commander';
import { createApp } from '../../app.ts';
import type { App } from '../../app.ts';
import { CliError, describeFailure, systemErrorText } from '../cli-error.ts';
import { loadServerConfig } from '../load-config.ts';

/** longest a stop may take before the process exits anyway (the WAL holds every acknowledged event) */
const STOP_LIMIT_MS = 10_000;

/** Runs until SIGINT/SIGTERM; a second signal exits at once, and so does a stop past `limitMs`. */
export async function runUntilSignal(stop: () => Promise<void>, limitMs = STOP_LIMIT_MS): Promise<void> {
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (): void => {
      if (stopping) process.exit(130);
      stopping = true;
      setTimeout(() => {
        process.stderr.write(`argus: the server did not stop within ${limitMs / 1000} s; exiting (the WAL is replayed at the next start)\n`);
        process.exit(1);
      }, limitMs).unref();
      stop().then(resolve, (e: unknown) => {
        process.stderr.write(`argus: stop failed: ${String(e)}\n`);
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/**
 * Starts the app; when it cannot (the port is taken, the data dir is not writable) what was
 * started is stopped again and the reason is one sentence (exit 2: fix --listen, --data or the config).
 */
export async function startApp(app: App): Promise<string> {
  try {
    return await app.start();
  } catch (e) {
    await app.stop().catch(() => undefined);
    const f = describeFailure(e);
    const err = e as NodeJS.ErrnoException;
    if (err.syscall === 'listen') {
      throw new CliError(`cannot listen on ${app.config.listen}: ${systemErrorText(err.code) ?? err.message}`, 2);
    }
    throw new CliError(`the server did not start: ${f.message}`, f.exitCode);
  }
}

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('Run the Argus server with the embedded store')
    .option('--data <dir>', 'data directory (default ./data)')
    .option('--listen <host:port>', 'listen address (default 127.0.0.1:7400)')
    .option('--config <file>', 'config file (YAML or JSON)')
    .action(async (opts: { data?: string; listen?: string; config?: string }) => {
      const app = createApp(loadServerConfig(opts));
      const url = await startApp(app);
      process.stderr.write(`Argus server listening on ${url} (data: ${app.config.data})\n`);
      process.on('SIGHUP', () => {
        try {
          const r = app.detection.reload();
          process.stderr.write(`argus: rules reloaded (${r.rules} rules)\n`);
        } catch (e) {
          process.stderr.write(`argus: rules NOT reloaded, the previous set stays active: ${(e as Error).message}\n`);
        }
      });
      await runUntilSignal(() => app.stop());
    });
}
