/**
 * Walks the frame and block headers of a zstd stream as it arrives, without decoding it, so that
 * every frame's window (which the pure-JS decoder allocates up front, up to 2 GiB) can be checked
 * before the decoder sees the frame. Zstandard frame format: RFC 8878 section 3.1.
 */

/** Window (or declared content) size of the frame header at the start of `b`, or undefined. */
export function zstdFrameWindow(b: Uint8Array): number | undefined {
  if (b.length < 6 || b[0] !== 0x28 || b[1] !== 0xb5 || b[2] !== 0x2f || b[3] !== 0xfd) return undefined;
  const fhd = b[4]!;
  if (!((fhd >> 5) & 1)) {
    const wd = b[5]!;
    const base = 2 ** (10 + (wd >> 3));
    return base + (base / 8) * (wd & 7);
  }
  const fcsBytes = [1, 2, 4, 8][fhd >> 6]!;
  const at = 5 + [0, 1, 2, 4][fhd & 3]!;
  if (b.length < at + fcsBytes) return undefined;
  let v = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) v = v * 256 + b[at + i]!;
  return fcsBytes === 2 ? v + 256 : v;
}

function frameHeaderLength(b: Uint8Array): number {
  const fhd = b[4]!;
  const single = (fhd >> 5) & 1;
  const fcsBytes = fhd >> 6 === 0 ? single : [1, 2, 4, 8][fhd >> 6]!;
  return 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + fcsBytes;
}

export class ZstdFrameWalker {
  private skip = 0;
  private head: number[] = [];
  private inFrame = false;
  private checksum = false;
  private lost = false;

  /** @param onFrame called with each frame's window size before its data; may throw to refuse it */
  constructor(private readonly onFrame: (window: number) => void) {}

  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && !this.lost) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      this.head.push(chunk[i++]!);
      this.step();
    }
  }

  private step(): void {
    const h = this.head;
    if (this.inFrame) {
      if (h.length < 3) return;
      const v = h[0]! | (h[1]! << 8) | (h[2]! << 16);
      const type = (v >> 1) & 3;
      this.skip = type === 1 ? 1 : v >>> 3;
      if (v & 1) {
        this.inFrame = false;
        if (this.checksum) this.skip += 4;
      }
      this.head = [];
      return;
    }
    if (h.length < 5) return;
    const magic = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (h.length < 8) return;
      this.skip = (h[4]! | (h[5]! << 8) | (h[6]! << 16) | (h[7]! << 24)) >>> 0;
      this.head = [];
      return;
    }
    if (magic !== 0xfd2fb528) {
      // not zstd: the decoder reports it
      this.lost = true;
      return;
    }
    if (h.length < frameHeaderLength(Uint8Array.from(h))) return;
    this.onFrame(zstdFrameWindow(Uint8Array.from(h))!);
    this.checksum = ((h[4]! >> 2) & 1) === 1;
    this.inFrame = true;
    this.head = [];
  }
}
