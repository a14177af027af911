import type { Command } from 'commander';
import { parseTime } from '../../core/index.ts';
import type { LogEvent } from '../../core/index.ts';
import { CliError } from '../cli-error.ts';
import { outputFormat, renderEvents, renderRows } from '../output.ts';
import { SERVER_HELP, fetchJson, serverUrl } from '../http-client.ts';

interface QueryOpts {
  server?: string;
  since?: string;
  from?: string;
  to?: string;
  limit: string;
  output?: string;
  local?: boolean;
}

type QueryResponse =
  | { kind: 'events'; events: LogEvent[]; truncated?: boolean; stats: Record<string, number> }
  | { kind: 'table'; columns: string[]; rows: unknown[][]; truncated?: boolean; stats: Record<string, number> };

export const TIME_HELP = 'RFC3339 (2026-11-25T10:00:00Z), epoch ms (13 digits), or a duration ago (15m, 24h)';

export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('Search events: argus query \'namespace:payments AND verb:delete | stats count() by user\'')
    .argument('<q>', 'query (see docs/query-language.md)')
    .option('--server <url>', SERVER_HELP)
    .option('--since <duration>', 'only events newer than this: a duration with its unit (90s, 15m, 24h, 7d) or a time')
    .option('--from <time>', `start (inclusive): ${TIME_HELP}`)
    .option('--to <time>', `end (exclusive): ${TIME_HELP}`)
    .option('--limit <n>', 'max rows', '100')
    .option('-o, --output <format>', 'table | json | ndjson', 'table')
    .option('--local', 'show times in the local time zone (default: UTC)')
    .action(async (q: string, opts: QueryOpts) => {
      const format = outputFormat(opts.output);
      const base = serverUrl(opts.server);
      const params = new URLSearchParams({ q, limit: opts.limit });
      for (const k of ['since', 'from', 'to'] as const) {
        if (opts[k] === undefined) continue;
        parseTime(opts[k]!, `--${k}`); // bad usage is reported here, before any request
        params.set(k, opts[k]!);
      }
      const style = { local: opts.local === true };
      const res = (await fetchJson(base, `/api/v1/query?${params}`)) as QueryResponse;
      if (res.kind === 'events') {
        if (res.events.length === 0 && format === 'table') {
          process.stderr.write('No events matched.\n');
          return;
        }
        process.stdout.write(`${renderEvents(res.events, format, style)}\n`);
      } else if (res.kind === 'table') {
        process.stdout.write(`${renderRows(res.columns, res.rows, format, style)}\n`);
      } else {
        throw new CliError(`the server at ${base} answered with an unexpected result (is it an Argus server?)`, 1);
      }
      if (res.truncated === true && format === 'table') process.stderr.write('(the answer was cut at the server\'s size limit: narrow the query or lower --limit)\n');
    });
}
