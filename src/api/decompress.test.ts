import { Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody, parseContentEncoding } from './decompress.ts';
import { zstdFrameWindow } from './zstd-frames.ts';
import type { DecodeOutcome, Encoding } from './decompress.ts';
import { gzipBomb, ZSTD_FRAME } from '../../test/helpers/compressed.ts';

async function decode(input: Buffer, enc: Encoding[], limit = 1 << 20): Promise<{ text?: string; err?: any; outcome?: DecodeOutcome }> {
  let outcome: DecodeOutcome | undefined;
  const out = decodeBody(Readable.from([input]), enc, limit, (o) => (outcome = o));
  const chunks: Buffer[] = [];
  try {
    for await (const c of out) chunks.push(c as Buffer);
    return { text: Buffer.concat(chunks).toString(), outcome };
  } catch (err) {
    return { err, outcome };
  }
}

describe('parseContentEncoding', () => {
  it('reads lists and aliases, skips identity, refuses unknown names with 415', () => {
    expect(parseContentEncoding(undefined)).toEqual([]);
    expect(parseContentEncoding('identity')).toEqual([]);
    expect(parseContentEncoding('x-gzip, zstd')).toEqual(['gzip', 'zstd']);
    expect(() => parseContentEncoding('br')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ENCODING', status: 415, message: expect.stringContaining('"br"') }));
    expect(() => parseContentEncoding('gzip,gzip,gzip,gzip')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ENCODING' }));
  });
});

describe('decodeBody', () => {
  it('decodes gzip, deflate, zstd and stacked encodings', async () => {
    const text = '{"message":"hello"}';
    expect(await decode(gzipSync(text), ['gzip'])).toEqual({ text, outcome: 'ok' });
    expect(await decode(deflateSync(text), ['deflate'])).toEqual({ text, outcome: 'ok' });
    expect((await decode(ZSTD_FRAME, ['zstd'])).text).toBe('[{"message":"zstd hello 1"},{"message":"zstd hello 2"}]');
    expect(await decode(gzipSync(deflateSync(text)), ['deflate', 'gzip'])).toEqual({ text, outcome: 'ok' });
  });

  it('reports corrupt and truncated input as BAD_ENCODING', async () => {
    const gz = gzipSync('{"message":"hello"}'.repeat(50));
    const flipped = Buffer.from(gz);
    flipped[20] = flipped[20]! ^ 0xff;
    for (const bad of [flipped, gz.subarray(0, gz.length - 10), Buffer.from('not gzip at all')]) {
      const r = await decode(bad, ['gzip']);
      expect(r.err).toMatchObject({ code: 'BAD_ENCODING', status: 400 });
      expect(r.err.message).toMatch(/not valid gzip/);
      expect(r.outcome).toBe('corrupt');
    }
    const z = Buffer.from(ZSTD_FRAME);
    z[12] = z[12]! ^ 0xff;
    expect((await decode(Buffer.concat([z.subarray(0, 20)]), ['zstd'])).err).toMatchObject({ code: 'BAD_ENCODING' });
  });

  it('stops a 1 GiB gzip bomb at the limit without allocating its output', async () => {
    const bomb = await gzipBomb(1 << 30);
    expect(bomb.length).toBeLessThan(2 << 20);
    global.gc?.();
    const before = process.memoryUsage();
    const r = await decode(bomb, ['gzip'], 12 << 20);
    const after = process.memoryUsage();
    expect(r.err).toMatchObject({ code: 'BODY_TOO_LARGE', status: 413, details: { limit: 12 << 20 } });
    expect(r.outcome).toBe('too_large');
    // generous: the whole output would be 1024 MiB
    expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(200 << 20);
    expect(after.rss - before.rss).toBeLessThan(300 << 20);
  });

  it('refuses a zstd frame whose declared size is over the limit before decoding', async () => {
    // single-segment frame header declaring 2^31 bytes of content
    const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0x00, 0x00, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(zstdFrameWindow(header)).toBe(2 ** 31);
    // the CLI streamed from stdin: no declared size, a 2 MiB window
    expect(zstdFrameWindow(ZSTD_FRAME)).toBe(2 << 20);
    const r = await decode(header, ['zstd'], 12 << 20);
    expect(r.err).toMatchObject({ code: 'BODY_TOO_LARGE' });
    // the same header as the second frame of a stream, after a good one
    const second = await decode(Buffer.concat([ZSTD_FRAME, header]), ['zstd'], 12 << 20);
    expect(second.err).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });

  it('decodes a stream of several frames with a skippable frame between them', async () => {
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const r = await decode(Buffer.concat([ZSTD_FRAME, skippable, ZSTD_FRAME]), ['zstd']);
    const one = '[{"message":"zstd hello 1"},{"message":"zstd hello 2"}]';
    expect(r.text).toBe(one + one);
  });
});
