/**
 * Reads WAL frames back. A bad frame is either a torn tail (nothing valid follows it: cut) or
 * mid-file corruption (a valid frame is found further on by resynchronising: skipped, counted).
 */
import { FRAME_HEADER, MAX_FRAME, checksumMatches } from './wal-format.ts';

export interface WalScan {
  payloads: Buffer[];
  /** byte offset of each payload's frame (its header) in the file */
  offsets: number[];
  /** offset just past the last good frame */
  goodEnd: number;
  /** 1 when the file ends in a torn/corrupt frame that nothing valid follows */
  tornFrames: number;
  tornBytes: number;
  /** bad regions skipped in the middle (valid frames follow them) */
  corruptFrames: number;
  corruptBytes: number;
}

const LF = 0x0a;
const LBRACE = 0x7b;

/** Whether a valid frame (bounds, NDJSON shape, CRC) starts at `pos`. */
function validAt(buf: Buffer, pos: number): boolean {
  if (pos + FRAME_HEADER > buf.length) return false;
  const len = buf.readUInt32LE(pos);
  const end = pos + FRAME_HEADER + len;
  if (len === 0 || len > MAX_FRAME || end > buf.length) return false;
  if (buf[pos + FRAME_HEADER] !== LBRACE || buf[end - 1] !== LF) return false;
  return checksumMatches(buf, pos + FRAME_HEADER, end, buf.readUInt32LE(pos + 4));
}

function resync(buf: Buffer, from: number): number {
  for (let p = from; p + FRAME_HEADER < buf.length; p++) if (validAt(buf, p)) return p;
  return -1;
}

export function scanWal(buf: Buffer): WalScan {
  const r: WalScan = { payloads: [], offsets: [], goodEnd: 0, tornFrames: 0, tornBytes: 0, corruptFrames: 0, corruptBytes: 0 };
  let pos = 0;
  while (pos < buf.length) {
    if (validAt(buf, pos)) {
      const len = buf.readUInt32LE(pos);
      r.payloads.push(buf.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + len));
      r.offsets.push(pos);
      pos += FRAME_HEADER + len;
      r.goodEnd = pos;
      continue;
    }
    const next = resync(buf, pos + 1);
    if (next < 0) {
      r.tornFrames = 1;
      r.tornBytes = buf.length - pos;
      break;
    }
    r.corruptFrames++;
    r.corruptBytes += next - pos;
    pos = next;
  }
  return r;
}
