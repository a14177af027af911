/**
 * The HTTP front door's connection cap and timeouts. Node's own `server.maxConnections` closes a
 * connection over the cap without a word; here one more connection is answered with a minimal
 * `HTTP/1.1 503` (Retry-After, a JSON body naming the limit and its config key), then closed.
 * Timeouts: Node checks requestTimeout/headersTimeout only every `connectionsCheckingInterval`
 * (30 s by default, so a 30 s timeout fired after up to 60-90 s): the interval is derived here so
 * that a timeout is enforced within a quarter of its length.
 */
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { HttpConfig } from '../core/index.ts';
import { parseDuration } from '../core/index.ts';
import type { Metrics } from './metrics.ts';

export interface HttpTimeouts {
  requestTimeout: number;
  headersTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
}

/** The config's durations in ms, plus how often Node must check them. */
export function httpTimeouts(cfg: HttpConfig): HttpTimeouts {
  const requestTimeout = parseDuration(cfg.requestTimeout, 'http.requestTimeout');
  const headersTimeout = parseDuration(cfg.headersTimeout, 'http.headersTimeout');
  const keepAliveTimeout = parseDuration(cfg.keepAliveTimeout, 'http.keepAliveTimeout');
  const shortest = Math.min(requestTimeout, headersTimeout);
  const connectionsCheckingInterval = Math.max(50, Math.min(1000, Math.floor(shortest / 4)));
  return { requestTimeout, headersTimeout, keepAliveTimeout, connectionsCheckingInterval };
}

/** How long a refused connection may linger after its 503 before it is destroyed. */
const REFUSED_LINGER_MS = 1000;

export interface ConnectionLimit {
  /** open connections that are being served */
  open(): number;
  /** true when this socket was refused (its 503 is already written; nothing else may answer) */
  isRefused(socket: Socket | undefined): boolean;
}

function refusal(max: number): string {
  const body = JSON.stringify({
    error: {
      code: 'OVERLOADED',
      message: `This server has ${max} open connections, its limit (http.maxConnections); retry later`,
      limit: max,
      configKey: 'http.maxConnections',
    },
  });
  return (
    'HTTP/1.1 503 Service Unavailable\r\n' +
    'Content-Type: application/json\r\n' +
    'Retry-After: 1\r\n' +
    'Connection: close\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/**
 * Counts the connections of `server` and refuses those over `max`. With TLS the count is taken on
 * 'secureConnection' (after the handshake, so the 503 can be written inside TLS); a handshake in
 * progress is bounded by the server's handshakeTimeout.
 */
export function limitConnections(
  server: Server,
  o: { max: number; tls: boolean; metrics: Metrics; logger: Logger },
): ConnectionLimit {
  let open = 0;
  let refusedSinceLog = 0;
  let lastLog = 0;
  const refused = new WeakSet<Socket>();
  const text = refusal(o.max);
  const onConnection = (socket: Socket): void => {
    if (open >= o.max) {
      refused.add(socket);
      o.metrics.connectionsRefused.inc();
      refusedSinceLog++;
      const now = Date.now();
      if (now - lastLog >= 10_000) {
        o.logger.warn({ limit: o.max, refused: refusedSinceLog }, 'Connections refused: the server is at http.maxConnections');
        lastLog = now;
        refusedSinceLog = 0;
      }
      socket.on('error', () => {});
      // end (FIN) rather than destroy at once: closing with the client's unread request in the
      // kernel buffer sends a RST, and the client may lose the 503
      socket.end(text);
      setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
      return;
    }
    open++;
    o.metrics.connections.set(open);
    socket.once('close', () => {
      open--;
      o.metrics.connections.set(open);
    });
  };
  server.on(o.tls ? 'secureConnection' : 'connection', onConnection);
  server.on('clientError', (err: NodeJS.ErrnoException) => {
    o.metrics.clientErrors.inc({ code: err.code ?? 'unknown' });
  });
  return {
    open: () => open,
    isRefused: (socket) => socket !== undefined && refused.has(socket),
  };
}
