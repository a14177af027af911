/**
 * The CLI's side of the HTTP API: the server address (`--server`, else `ARGUS_SERVER`, else
 * http://127.0.0.1:7400; `127.0.0.1:7400` without a scheme and a trailing slash are fine), and
 * requests whose failures are one sentence each (refused connection, unknown host, an error
 * answer with or without a body).
 */
import { CliError, systemErrorText } from './cli-error.ts';

export const FALLBACK_SERVER = 'http://127.0.0.1:7400';
export const SERVER_HELP = `Argus server URL (default: $ARGUS_SERVER, else ${FALLBACK_SERVER})`;

/**
 * The base URL to use, without a trailing slash: a missing scheme means http://. An invalid
 * address is bad usage (exit 2) naming where it came from.
 */
export function serverUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromFlag = flag !== undefined && flag.trim() !== '';
  const fromEnv = !fromFlag && env.ARGUS_SERVER !== undefined && env.ARGUS_SERVER.trim() !== '';
  const raw = (fromFlag ? flag! : fromEnv ? env.ARGUS_SERVER! : FALLBACK_SERVER).trim();
  const where = fromFlag ? '--server' : 'ARGUS_SERVER';
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new CliError(`${where}: "${raw}" is not a server address (use e.g. ${FALLBACK_SERVER} or 127.0.0.1:7400)`, 2);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new CliError(`${where}: "${raw}" is not an http:// or https:// address`, 2);
  }
  if (u.search !== '' || u.hash !== '') throw new CliError(`${where}: "${raw}" must not have a query or fragment`, 2);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** One sentence for a fetch that never got an answer. */
function unreachable(base: string, e: unknown): CliError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const why = systemErrorText(code) ?? (code ? code.toLowerCase() : cause?.message ?? (e as Error).message);
  const hint = code === 'ECONNREFUSED' ? ': is `argus server` running? (or pass --server, or set ARGUS_SERVER)' : ' (pass --server, or set ARGUS_SERVER)';
  return new CliError(`cannot reach the server at ${base} (${why})${hint}`, 1);
}

/** The server's error answer as one sentence; 4xx is bad usage (exit 2), the rest exit 1. */
export function errorAnswer(base: string, res: Response, text: string): CliError {
  let message: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown }; message?: unknown };
    const m = body.error?.message ?? body.message;
    if (typeof m === 'string' && m.trim() !== '') message = m.trim();
  } catch {
    const first = text.trim().split('\n', 1)[0]?.trim() ?? '';
    if (first !== '') message = first.length > 200 ? `${first.slice(0, 199)}…` : first;
  }
  const status = `${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const said = message === undefined ? `the server at ${base} answered ${status} with an empty body` : message;
  return new CliError(message === undefined ? said : `${said} (HTTP ${res.status})`, res.status >= 400 && res.status < 500 ? 2 : 1);
}

/** fetch() with a failure to connect described; the Response whatever its status. */
export async function requestAny(base: string, path: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(`${base}${path}`, init);
  } catch (e) {
    throw unreachable(base, e);
  }
}

/** fetch() with the failures described; the Response of a 2xx answer (207 included). */
export async function request(base: string, path: string, init?: RequestInit): Promise<Response> {
  const res = await requestAny(base, path, init);
  if (!res.ok) throw errorAnswer(base, res, await res.text().catch(() => ''));
  return res;
}

/** GET/POST JSON; an error answer becomes a CliError with the server's message. */
export async function fetchJson(base: string, path: string, init?: RequestInit): Promise<unknown> {
  const res = await request(base, path, init);
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`the server at ${base} answered ${res.status} with a body that is not JSON (is it an Argus server?)`, 1);
  }
}
