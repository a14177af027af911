/**
 * Request bodies with `Content-Encoding: gzip | deflate | zstd` (or a list of them), decoded as a
 * stream with the route's body limit applied to the decoded bytes: decoding stops at the first
 * byte over the limit (413 naming it), so a bomb never allocates its whole output. Unknown
 * encodings are 415, a corrupt stream 400 BAD_ENCODING. Mounted as a Fastify `preParsing` hook.
 */
import { Readable, Transform, Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { Decompress } from 'fzstd';
import { ArgusError, isArgusError } from '../core/index.ts';
import type { Metrics } from './metrics.ts';
import { ZstdFrameWalker } from './zstd-frames.ts';

export type Encoding = 'gzip' | 'deflate' | 'zstd';
const ALIASES: Record<string, Encoding> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', zstd: 'zstd' };
/** more stacked encodings than this is not a shipper, it is an attack */
const MAX_LAYERS = 3;

/** The encodings of a `Content-Encoding` header in the order they were applied; [] for none. */
export function parseContentEncoding(header: string | undefined): Encoding[] {
  if (header === undefined) return [];
  const out: Encoding[] = [];
  for (const raw of header.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '' || name === 'identity') continue;
    const enc = ALIASES[name];
    if (!enc) {
      throw new ArgusError('UNSUPPORTED_ENCODING', `Content-Encoding "${name}" is not supported: use gzip, deflate or zstd`, { encoding: name });
    }
    out.push(enc);
  }
  if (out.length > MAX_LAYERS) {
    throw new ArgusError('UNSUPPORTED_ENCODING', `Content-Encoding has ${out.length} layers, at most ${MAX_LAYERS} are decoded`, { encoding: header });
  }
  return out;
}

function tooLarge(limit: number, encoding: string): ArgusError {
  return new ArgusError('BODY_TOO_LARGE', `decompressed request body is larger than the limit of ${limit} bytes`, { limit, encoding });
}

/**
 * Checks each zstd frame's window before it is decoded: a single-segment frame declares its
 * content size there, so one over the limit is refused unread (413), on every Node version.
 */
function frameWalker(limit: number): ZstdFrameWalker {
  return new ZstdFrameWalker((window) => {
    if (window > Math.max(limit, 8 * 1024 * 1024)) throw tooLarge(limit, 'zstd');
  });
}

/** The window check in front of zlib's zstd, which would answer 400 instead. */
function zstdWindowCheck(limit: number): Transform {
  const walker = frameWalker(limit);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        walker.feed(chunk);
      } catch (e) {
        return cb(e as Error);
      }
      cb(null, chunk);
    },
  });
}

/**
 * Pure-JS zstd (fzstd) for Node without a sound zlib zstd (NATIVE_ZSTD). It has no backpressure inside one push (a
 * small chunk of RLE blocks can expand a thousandfold), so the limit is enforced here, per block,
 * and each frame's window (fzstd allocates it up front) is checked before the frame is decoded.
 */
function fzstdStream(limit: number): Transform {
  let produced = 0;
  let failure: Error | undefined;
  const walker = frameWalker(limit);
  const t: Transform = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        walker.feed(chunk);
      } catch (e) {
        return cb(e as Error);
      }
      try {
        d.push(chunk);
      } catch (e) {
        return cb(failure ?? (e as Error));
      }
      cb();
    },
    flush(cb) {
      try {
        d.push(new Uint8Array(0), true);
      } catch (e) {
        return cb(failure ?? (e as Error));
      }
      cb();
    },
  });
  const d = new Decompress((data) => {
    produced += data.length;
    if (produced > limit) {
      failure = tooLarge(limit, 'zstd');
      throw failure;
    }
    // copy: fzstd hands out views of its window, which later blocks overwrite
    if (data.length > 0) t.push(Buffer.from(data));
  });
  return t;
}

interface ZlibZstd {
  createZstdDecompress?: () => Transform;
  zstdCompressSync?: (b: Buffer) => Buffer;
  zstdDecompressSync?: (b: Buffer) => Buffer;
}

/**
 * zlib's zstd (Node >= 22.15), if it decodes a stream as the format says: Node 22 (22.23 still)
 * stops after the first frame, dropping the frames behind it, and takes a truncated frame as
 * complete (nodejs/node#64741); Node 24 decodes both right. Probed once at load; fzstd otherwise.
 */
function probeNativeZstd(): (() => Transform) | undefined {
  const z = zlib as unknown as ZlibZstd;
  if (!z.createZstdDecompress || !z.zstdCompressSync || !z.zstdDecompressSync) return undefined;
  try {
    const frame = z.zstdCompressSync(Buffer.from('argus'));
    if (z.zstdDecompressSync(Buffer.concat([frame, frame])).toString() !== 'argusargus') return undefined;
    try {
      z.zstdDecompressSync(frame.subarray(0, frame.length - 3));
      return undefined;
    } catch {
      // a truncated frame is an error: as it should be
    }
    return () => z.createZstdDecompress!();
  } catch {
    return undefined;
  }
}

/** zlib's zstd decoder when it is sound on this Node, else undefined (fzstd is used) */
const NATIVE_ZSTD = probeNativeZstd();

/** The stages that undo one encoding (piped in this order). */
function decoders(enc: Encoding, limit: number): Transform[] {
  if (enc === 'gzip') return [zlib.createGunzip()];
  if (enc === 'deflate') return [zlib.createInflate()];
  return NATIVE_ZSTD ? [zstdWindowCheck(limit), NATIVE_ZSTD()] : [fzstdStream(limit)];
}

export type DecodeOutcome = 'ok' | 'too_large' | 'corrupt' | 'aborted';

/**
 * `source` decoded through `encodings` (applied in that order, so undone in reverse), at most
 * `limit` decoded bytes (also at most `limit` encoded bytes). The result carries
 * `receivedEncodedLength` for Fastify's Content-Length check.
 */
export function decodeBody(
  source: Readable,
  encodings: Encoding[],
  limit: number,
  onOutcome: (o: DecodeOutcome) => void = () => {},
): Readable & { receivedEncodedLength: number } {
  const name = encodings.join(',');
  let started = false;
  let waiting: (() => void) | undefined;
  // nothing is read from the socket until the consumer (Fastify's body reader) asks, so an error
  // always finds its listener
  const out = new Readable({
    read() {
      if (!started) start();
      const w = waiting;
      waiting = undefined;
      w?.();
    },
  }) as Readable & { receivedEncodedLength: number };
  out.receivedEncodedLength = 0;
  // a late error (the consumer gave up first) must not become an uncaught exception
  out.on('error', () => {});
  const stages = [...encodings].reverse().flatMap((enc) => decoders(enc, limit).map((t) => ({ enc, t })));
  const chain = stages.map((st) => st.t);
  let done = false;
  const fail = (err: Error, outcome: DecodeOutcome): void => {
    if (done) return;
    done = true;
    source.unpipe(chain[0]!);
    for (const c of chain) c.destroy();
    onOutcome(outcome);
    out.destroy(err);
  };
  const onDecoderError = (enc: Encoding) => (err: Error) => {
    if (isArgusError(err)) return fail(err, err.code === 'BODY_TOO_LARGE' ? 'too_large' : 'corrupt');
    fail(new ArgusError('BAD_ENCODING', `request body is not valid ${enc} (Content-Encoding: ${name}): ${err.message}`, { encoding: name }), 'corrupt');
  };
  let decoded = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (done) return cb();
      decoded += chunk.length;
      if (decoded > limit) return fail(tooLarge(limit, name), 'too_large');
      if (out.push(chunk)) cb();
      else waiting = cb;
    },
    final(cb) {
      if (!done) {
        done = true;
        onOutcome('ok');
        out.push(null);
      }
      cb();
    },
  });
  // the consumer went away (client closed, or Fastify gave up): stop decoding
  out.on('close', () => {
    if (!done) fail(new Error('request body stream closed'), 'aborted');
  });
  function start(): void {
    started = true;
    chain.forEach((c, i) => {
      c.on('error', onDecoderError(stages[i]!.enc));
      c.pipe(i + 1 < chain.length ? chain[i + 1]! : sink);
    });
    source.on('data', (chunk: Buffer) => {
      out.receivedEncodedLength += chunk.length;
      if (out.receivedEncodedLength > limit) fail(new ArgusError('BODY_TOO_LARGE', `request body is larger than the limit of ${limit} bytes`, { limit }), 'too_large');
    });
    source.on('error', (err) => fail(err, 'aborted'));
    source.on('aborted', () => fail(new Error('request aborted'), 'aborted'));
    source.pipe(chain[0]!);
  }
  return out;
}

/** Mounts decoding on every route; the cap is the route's own body limit. */
export function registerDecompression(app: FastifyInstance, metrics: Metrics, defaultLimit: number): void {
  app.addHook('preParsing', async (req, _reply, payload) => {
    const header = req.headers['content-encoding'];
    if (header === undefined) return payload;
    let encodings: Encoding[];
    try {
      encodings = parseContentEncoding(header);
    } catch (e) {
      metrics.decodedBodies.inc({ encoding: 'unsupported', outcome: 'unsupported' });
      throw e;
    }
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
    if (encodings.length === 0 || !hasBody) return payload;
    const limit = req.routeOptions.bodyLimit ?? defaultLimit;
    const encoding = encodings.join(',');
    return decodeBody(payload, encodings, limit, (outcome) => metrics.decodedBodies.inc({ encoding, outcome }));
  });
}
