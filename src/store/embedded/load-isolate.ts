/**
 * Isolating the bad lines of a batch that a load rejected: bisect it, load every good part, and
 * report the lines that fail alone. A genuine I/O failure (disk, memory, interruption) is not a
 * bad line: it stops the bisection, and every line not loaded yet is reported as unloaded.
 */

export interface IsolateResult {
  /** lines that failed alone with a data error, with the error */
  bad: { index: number; error: unknown }[];
  /** lines left unloaded because of an I/O failure (`ioError`) */
  unloaded: number[];
  ioError?: unknown;
  /** loads tried (at most ~2 per line, plus 2·log2 per bad line) */
  attempts: number;
}

/** Whether `e` is a failure of the machine rather than of the data: the same load may succeed later. */
export function isIoError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return true; // ENOSPC, EIO, EMFILE, ...
  const msg = e instanceof Error ? e.message : String(e);
  return /^(IO|Out of Memory|Interrupt|Connection|FATAL|INTERNAL|Permission|Transaction) Error/i.test(msg);
}

/**
 * Loads `n` lines with `load(lo, hi)` (half-open ranges), given that loading all of them failed
 * with `firstError`. Each load is all-or-nothing (one INSERT statement), so no line is loaded twice.
 */
export async function loadIsolating(n: number, firstError: unknown, load: (lo: number, hi: number) => Promise<void>): Promise<IsolateResult> {
  const r: IsolateResult = { bad: [], unloaded: [], attempts: 0 };
  if (isIoError(firstError)) {
    r.ioError = firstError;
    for (let i = 0; i < n; i++) r.unloaded.push(i);
    return r;
  }
  // ranges still to load, with the error of the range they were split from (if it is a single line, it is bad)
  const stack: [number, number, unknown][] = [[0, n, firstError]];
  while (stack.length > 0) {
    const [lo, hi, known] = stack.pop()!;
    let err: unknown = known;
    if (err === undefined) {
      r.attempts++;
      try {
        await load(lo, hi);
        continue;
      } catch (e) {
        err = e;
      }
      if (isIoError(err)) {
        r.ioError = err;
        for (let i = lo; i < hi; i++) r.unloaded.push(i);
        for (const [a, b] of stack) for (let i = a; i < b; i++) r.unloaded.push(i);
        r.unloaded.sort((x, y) => x - y);
        return r;
      }
    }
    if (hi - lo === 1) {
      r.bad.push({ index: lo, error: err });
      continue;
    }
    const mid = lo + Math.floor((hi - lo) / 2);
    stack.push([mid, hi, undefined], [lo, mid, undefined]);
  }
  r.bad.sort((x, y) => x.index - y.index);
  return r;
}

/** The lines of an NDJSON payload, each with its newline (JSON text never holds a raw newline). */
export function splitLines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl + 1;
    if (end - start > 1 || buf[start] !== 0x0a) out.push(buf.subarray(start, end));
    start = end;
  }
  return out;
}

/** Without a quarantine, a refused load is kept for retry like an I/O failure. */
export function ioMarked(e: unknown): unknown {
  return isIoError(e) ? e : Object.assign(new Error(`IO Error: ${e instanceof Error ? e.message : String(e)}`), { cause: e });
}
