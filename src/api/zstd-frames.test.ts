import { describe, expect, it } from 'vitest';
import { ZSTD_FRAME } from '../../test/helpers/compressed.ts';
import { ZstdFrameWalker } from './zstd-frames.ts';

describe('ZstdFrameWalker', () => {
  it('sees every frame header however the stream is split', () => {
    const skippable = Buffer.from([0x5f, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9]);
    const stream = Buffer.concat([ZSTD_FRAME, skippable, ZSTD_FRAME, ZSTD_FRAME]);
    for (const size of [1, 2, 3, 7, stream.length]) {
      const windows: number[] = [];
      const w = new ZstdFrameWalker((win) => windows.push(win));
      for (let i = 0; i < stream.length; i += size) w.feed(stream.subarray(i, i + size));
      expect(windows).toEqual([2 << 20, 2 << 20, 2 << 20]);
    }
  });

  it('stops walking at bytes that are not zstd (the decoder reports them)', () => {
    const windows: number[] = [];
    new ZstdFrameWalker((win) => windows.push(win)).feed(Buffer.from('not zstd at all, really'));
    expect(windows).toEqual([]);
  });
});
