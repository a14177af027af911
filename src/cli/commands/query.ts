import type { Command } from 'commander';
import { ArgusError } from '../../core/index.ts';
import type { LogEvent } from '../../core/index.ts';
import { outputFormat, renderEvents, renderRows } from '../output.ts';
import { DEFAULT_SERVER, fetchJson } from '../http-client.ts';

interface QueryOpts {
  server: string;
  since?: string;
  from?: string;
  to?: string;
  limit: string;
  output?: string;
}

type QueryResponse =
  | { kind: 'events'; events: LogEvent[]; stats: Record<string, number> }
  | { kind: 'table'; columns: string[]; rows: unknown[][]; stats: Record<string, number> };

export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('Search events: argus query \'namespace:payments AND verb:delete | stats count() by user\'')
    .argument('<q>', 'query (see docs/query-language.md)')
    .option('--server <url>', 'Argus server', DEFAULT_SERVER)
    .option('--since <duration>', 'only events newer than this (e.g. 15m, 24h)')
    .option('--from <time>', 'RFC3339 start (inclusive)')
    .option('--to <time>', 'RFC3339 end (exclusive)')
    .option('--limit <n>', 'max rows', '100')
    .option('-o, --output <format>', 'table | json | ndjson', 'table')
    .action(async (q: string, opts: QueryOpts) => {
      const format = outputFormat(opts.output);
      const params = new URLSearchParams({ q, limit: opts.limit });
      for (const k of ['since', 'from', 'to'] as const) if (opts[k]) params.set(k, opts[k]!);
      const res = (await fetchJson(`${opts.server}/api/v1/query?${params}`)) as QueryResponse;
      if (res.kind === 'events') {
        if (res.events.length === 0 && format === 'table') {
          process.stderr.write('No events matched.\n');
          return;
        }
        process.stdout.write(`${renderEvents(res.events, format)}\n`);
      } else if (res.kind === 'table') {
        process.stdout.write(`${renderRows(res.columns, res.rows, format)}\n`);
      } else {
        throw new ArgusError('INTERNAL', 'unexpected response from server');
      }
    });
}
