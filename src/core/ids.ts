import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

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
