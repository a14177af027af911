import type { Command } from 'commander';
import type { LogEvent } from '../../core/index.ts';
import { ArgusError } from '../../core/index.ts';
import { DEFAULT_SERVER } from '../http-client.ts';
import { eventRow, outputFormat } from '../output.ts';

export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description('Follow matching events live (Server-Sent Events)')
    .argument('[q]', 'filter query', '')
    .option('--server <url>', 'Argus server', DEFAULT_SERVER)
    .option('-o, --output <format>', 'table | json | ndjson', 'table')
    .action(async (q: string, opts: { server: string; output?: string }) => {
      const format = outputFormat(opts.output);
      const res = await fetch(`${opts.server}/api/v1/tail?${new URLSearchParams({ q })}`).catch((e: Error) => {
        throw new ArgusError('STORE_IO', `cannot reach the Argus server at ${opts.server}: ${e.message}`);
      });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new ArgusError('BAD_REQUEST', body.error?.message ?? `HTTP ${res.status}`);
      }
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const msg = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = msg.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (!data) continue;
          const e = JSON.parse(data) as LogEvent;
          process.stdout.write(format === 'table' ? `${eventRow(e).join('  ')}\n` : `${JSON.stringify(e, null, format === 'json' ? 2 : undefined)}\n`);
        }
      }
    });
}
