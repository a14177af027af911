import { ArgusError } from '../core/index.ts';

export const DEFAULT_SERVER = process.env.ARGUS_SERVER ?? 'http://127.0.0.1:7400';

/** GET/POST JSON; a server-side error becomes an ArgusError with the server's message. */
export async function fetchJson(url: string, init?: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new ArgusError('STORE_IO', `cannot reach the Argus server at ${new URL(url).origin}: ${(e as Error).message} (start it with \`argus server\`, or pass --server)`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { error: { message: text } };
  }
  if (!res.ok && res.status !== 207) {
    const err = (body as { error?: { code?: string; message?: string } }).error;
    const code = err?.code === 'QUERY_SYNTAX' || err?.code === 'QUERY_FIELD' ? err.code : 'BAD_REQUEST';
    throw new ArgusError(res.status >= 500 ? 'INTERNAL' : code, err?.message ?? `HTTP ${res.status}`);
  }
  return body;
}
