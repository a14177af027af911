/**
 * WAL file layout: a sequence of frames `[u32 LE payload length][u32 LE CRC32C(payload)][payload]`.
 * Files are named `wal-<12-digit number>.log`; numbers only grow, across restarts too.
 */
import { crc32c } from './crc32c.ts';

export const FRAME_HEADER = 8;
/** frames above this are treated as corrupt when reading */
export const MAX_FRAME = 256 * 1024 * 1024;

/** The 8-byte header of a frame (written with the payload by writev, no copy). */
export function frameHeader(payload: Buffer): Buffer {
  const h = Buffer.allocUnsafe(FRAME_HEADER);
  h.writeUInt32LE(payload.length, 0);
  h.writeUInt32LE(crc32c(payload), 4);
  return h;
}

export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32c(payload), 4);
  payload.copy(frame, FRAME_HEADER);
  return frame;
}

export function walFileName(n: number): string {
  return `wal-${String(n).padStart(12, '0')}.log`;
}

/** The number of a WAL file name, or undefined for other files. */
export function walFileNumber(name: string): number | undefined {
  const m = /^wal-(\d{12,})\.log$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
