/**
 * Limits every decoder applies to one event before it is stored (issue 15 item 5): a nesting cap,
 * checked iteratively (JSON.parse in V8 is iterative, but JSON.stringify, structuredClone and most
 * walks recurse, so a value deeper than the cap must never get past a decoder), and the range of
 * an event time.
 */

/** Default nesting cap (levels of objects/arrays; `{}` is 1, `{"a":[1]}` is 2). */
export const DEFAULT_MAX_DEPTH = 512;

/** The highest cap the config accepts: deep enough for any real payload, shallow enough for recursive code. */
export const MAX_DEPTH_CEILING = 1000;

/**
 * Per-event errors a decoder keeps for its answer (the rest are only counted): a 12 MB body of
 * `1,1,1,...` is 6M bad events, and 6M error objects would be ~400 MB.
 */
export const MAX_ERRORS_KEPT = 1000;

/** Event times are kept within 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z (ms since the epoch). */
export const MIN_TS_MS = 0;
export const MAX_TS_MS = 253_402_300_799_999;

export function tsInRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_TS_MS && ms <= MAX_TS_MS;
}

/**
 * Whether `value` nests objects/arrays more than `max` levels deep. Iterative (an explicit stack
 * of pending containers with their depth), stops at the first container beyond `max`, and
 * visits every container at most once per reference on its path, so it is linear in the value's size.
 */
export function exceedsDepth(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as object;
    const d = depths.pop()!;
    if (d > max) return true;
    if (Array.isArray(v)) {
      for (const x of v) {
        if (x !== null && typeof x === 'object') {
          stack.push(x);
          depths.push(d + 1);
        }
      }
    } else {
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== null && typeof x === 'object') {
          stack.push(x);
          depths.push(d + 1);
        }
      }
    }
  }
  return false;
}

/**
 * The first top-level field of the event object `e` whose value takes the event beyond `maxDepth`
 * levels (the event itself is level 1), or undefined when the event is within the cap.
 */
export function tooDeepField(e: Record<string, unknown>, maxDepth: number): string | undefined {
  for (const k in e) {
    const v = e[k];
    if (v !== null && typeof v === 'object' && exceedsDepth(v, maxDepth - 1)) return k;
  }
  return undefined;
}

/** The message of a too-deep event, naming the cap (and where to raise it). */
export function depthMessage(field: string, max: number): string {
  return `${field}: nested more than ${max} levels deep (limits.maxDepth)`;
}
