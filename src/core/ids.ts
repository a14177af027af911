import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// ulid's default PRNG makes one crypto call per random character (16 per new millisecond): under
// ingest that was ~6 % of the main thread. Serve the bytes from a pooled buffer instead.
const pool = new Uint8Array(4096);
let pos = pool.length;
function pooledRandom(): number {
  if (pos >= pool.length) {
    randomFillSync(pool);
    pos = 0;
  }
  return pool[pos++]! / 256;
}

const next = monotonicFactory(pooledRandom);

/** A new ULID; monotonic within this process, so ids sort in ingest order. */
export function newId(at: number = Date.now()): string {
  return next(at);
}

/** The ms timestamp encoded in a ULID. */
export function idTime(id: string): number {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + alphabet.indexOf(id[i] ?? '0');
  return t;
}
