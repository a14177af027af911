/**
 * How a body travels: its Content-Type, its Content-Encoding (none, a real gzip, a gzip header on
 * a plain body, a gzip bomb...) and a BOM. Whether the server must understand it decides whether
 * the good events inside must be stored.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

export const JSONISH_TYPES = ['application/json', 'application/x-ndjson', 'application/json; charset=utf-8', 'text/plain', 'application/jsonl'];
const OTHER_TYPES = ['application/octet-stream', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'image/png', 'text/html', 'application/xml', 'application/json; charset=latin1', '*/*', 'garbage'];

export type Encoding =
  | 'none'
  | 'gzip'
  | 'gzip-bomb'
  | 'gzip-truncated'
  | { header: 'gzip' | 'x-gzip' | 'deflate' | 'br' | 'zstd' | 'identity' | 'gzip, deflate' | 'x-unknown' };

export interface Transport {
  /** undefined: no Content-Type header */
  contentType?: string;
  encoding: Encoding;
  bom: boolean;
}

export const plainTransport: Transport = { contentType: 'application/json', encoding: 'none', bom: false };

export function transportArb(): fc.Arbitrary<Transport> {
  return fc.record(
    {
      contentType: fc.oneof(fc.constantFrom(...JSONISH_TYPES), fc.constantFrom(...OTHER_TYPES), fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 })),
      encoding: fc.oneof(
        fc.constantFrom<Encoding>('none', 'gzip', 'gzip-bomb', 'gzip-truncated'),
        fc.record({ header: fc.constantFrom('gzip', 'x-gzip', 'deflate', 'br', 'zstd', 'identity', 'gzip, deflate', 'x-unknown') }) as fc.Arbitrary<Encoding>,
      ),
      bom: fc.boolean(),
    },
    { requiredKeys: ['encoding', 'bom'] },
  );
}

let bomb: Buffer | undefined;
/** 128 MiB of zeros, gzipped (~130 KB): far beyond any sane cap once decompressed. */
function gzipBomb(): Buffer {
  bomb ??= gzipSync(Buffer.alloc(128 * 1024 * 1024), { level: 9 });
  return bomb;
}

export interface Wire {
  headers: Record<string, string>;
  body: Buffer;
  /** the server must decode this body as sent (good events in it must be stored) */
  understood: boolean;
  /** bytes before any compression */
  plainLength: number;
  /** the answer this transport requires whatever the content (a bomb: 413) */
  requiredStatus?: number;
}

export function applyTransport(plain: Buffer, t: Transport): Wire {
  const headers: Record<string, string> = {};
  if (t.contentType !== undefined) headers['content-type'] = t.contentType;
  const withBom = t.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]) : plain;
  const jsonish = t.contentType === undefined || JSONISH_TYPES.includes(t.contentType);
  const understoodType = jsonish && !t.bom;
  const e = t.encoding;
  if (e === 'none') return { headers, body: withBom, understood: understoodType, plainLength: withBom.length };
  if (e === 'gzip') {
    headers['content-encoding'] = 'gzip';
    return { headers, body: gzipSync(withBom), understood: understoodType, plainLength: withBom.length };
  }
  if (e === 'gzip-bomb') {
    headers['content-encoding'] = 'gzip';
    // with a Content-Type the server refuses, a 400/415 before the body is read is right too
    return { headers, body: gzipBomb(), understood: false, plainLength: 128 * 1024 * 1024, ...(jsonish ? { requiredStatus: 413 } : {}) };
  }
  if (e === 'gzip-truncated') {
    headers['content-encoding'] = 'gzip';
    const z = gzipSync(withBom);
    return { headers, body: z.subarray(0, Math.max(1, z.length >> 1)), understood: false, plainLength: withBom.length };
  }
  headers['content-encoding'] = e.header;
  return { headers, body: withBom, understood: false, plainLength: withBom.length };
}
