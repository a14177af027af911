/** Raw TCP clients for front-door tests: what a slow or misbehaving HTTP client really does. */
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface RawClient {
  socket: Socket;
  /** everything received so far */
  received(): string;
  /** resolves when the server closes (or resets) the connection */
  closed: Promise<void>;
}

export async function openRaw(port: number): Promise<RawClient> {
  const socket = connect({ host: '127.0.0.1', port });
  let data = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (data += d));
  const closed = new Promise<void>((res) => {
    socket.on('close', () => res());
    socket.on('error', () => res());
  });
  await new Promise<void>((res, rej) => {
    socket.once('connect', () => res());
    socket.once('error', rej);
  });
  return { socket, received: () => data, closed };
}

/** Polls `cond` every 20 ms, at most `maxMs`; returns whether it became true. */
export async function waitFor(cond: () => boolean | Promise<boolean>, maxMs = 5000): Promise<boolean> {
  for (let i = 0; i < Math.ceil(maxMs / 20); i++) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}
