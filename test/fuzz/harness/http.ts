/**
 * One HTTP exchange with the fuzz server, bounded: the request is abandoned after the request
 * timeout, or as soon as the server's /healthz has been waiting longer than the health bound (a
 * frozen event loop), whichever comes first. Never throws for a server-side problem: the outcome
 * says what happened, and the property decides.
 */
import { HEALTH_BOUND_MS, REQUEST_TIMEOUT_MS } from './config.ts';
import type { FuzzServer } from './server.ts';

export interface Req {
  method: 'GET' | 'POST';
  /** path and query string, already encoded */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export type Outcome =
  | { ok: true; status: number; headers: Headers; text: string; ms: number }
  | { ok: false; why: 'timeout' | 'stall' | 'network'; detail: string; ms: number };

/** Races `work` against the timeout and the stall watcher; aborts `ac` when it loses. */
export async function bounded<T>(
  server: FuzzServer,
  ac: AbortController,
  work: Promise<T>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<{ value: T } | { why: 'timeout' | 'stall'; detail: string }> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<{ why: 'timeout' | 'stall'; detail: string }>((resolve) => {
    const t0 = Date.now();
    const tick = (): void => {
      const stalled = server.health.inflightMs();
      if (stalled > HEALTH_BOUND_MS + 250) {
        resolve({ why: 'stall', detail: `the server's /healthz has been waiting ${stalled} ms (bound ${HEALTH_BOUND_MS} ms): its event loop is blocked` });
        return;
      }
      if (Date.now() - t0 > timeoutMs) {
        resolve({ why: 'timeout', detail: `no answer within ${timeoutMs} ms` });
        return;
      }
      timer = setTimeout(tick, 50);
    };
    timer = setTimeout(tick, 50);
  });
  try {
    const r = await Promise.race([work.then((value) => ({ value })), guard]);
    if (!('value' in r)) ac.abort();
    return r;
  } finally {
    clearTimeout(timer);
  }
}

export async function send(server: FuzzServer, req: Req, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Outcome> {
  const t0 = Date.now();
  const ac = new AbortController();
  const work = (async () => {
    const r = await fetch(server.url + req.path, {
      method: req.method,
      headers: req.headers ?? {},
      ...(req.body !== undefined ? { body: req.body } : {}),
      signal: ac.signal,
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, text };
  })();
  work.catch(() => undefined); // an abort after losing the race is expected
  try {
    const r = await bounded(server, ac, work, timeoutMs);
    if ('value' in r) return { ok: true, ...r.value, ms: Date.now() - t0 };
    return { ok: false, why: r.why, detail: r.detail, ms: Date.now() - t0 };
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, why: 'network', detail: `${(e as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`, ms: Date.now() - t0 };
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A short, printable preview of a body (bytes beyond `max` are cut). */
export function preview(body: Uint8Array | string | undefined, max = 300): string {
  if (body === undefined) return '(none)';
  if (typeof body !== 'string') {
    const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 64));
    const binary = head.filter((c) => c < 0x09 || (c > 0x0d && c < 0x20)).length > 4;
    if (binary) return `hex ${head.toString('hex')}${body.byteLength > 64 ? '…' : ''} (${body.byteLength} bytes)`;
  }
  const s = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, max + 50)).toString('utf8');
  const size = typeof body === 'string' ? body.length : body.byteLength;
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return `${JSON.stringify(cut)} (${size} ${typeof body === 'string' ? 'chars' : 'bytes'})`;
}
