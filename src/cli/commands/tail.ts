import type { Command } from 'commander';
import type { LogEvent } from '../../core/index.ts';
import { SERVER_HELP, request, serverUrl } from '../http-client.ts';
import { eventRow, outputFormat } from '../output.ts';

export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description('Follow matching events live (Server-Sent Events)')
    .argument('[q]', 'filter query', '')
    .option('--server <url>', SERVER_HELP)
    .option('-o, --output <format>', 'table | json | ndjson', 'table')
    .option('--local', 'show times in the local time zone (default: UTC)')
    .action(async (q: string, opts: { server?: string; output?: string; local?: boolean }) => {
      const format = outputFormat(opts.output);
      const base = serverUrl(opts.server);
      const style = { local: opts.local === true };
      const res = await request(base, `/api/v1/tail?${new URLSearchParams({ q })}`);
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const msg = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const lines = msg.split('\n');
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (!data) continue;
          if (lines.includes('event: error')) {
            process.stderr.write(`argus: the server ended the tail: ${(JSON.parse(data) as { reason?: string }).reason ?? data}\n`);
            process.exitCode = 1;
            continue;
          }
          const e = JSON.parse(data) as LogEvent;
          process.stdout.write(format === 'table' ? `${eventRow(e, style).join('  ')}\n` : `${JSON.stringify(e, null, format === 'json' ? 2 : undefined)}\n`);
        }
      }
    });
}
