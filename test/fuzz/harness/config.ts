/**
 * Fuzz settings from the environment (see test/fuzz/README.md):
 *   ARGUS_FUZZ_SEED   the fast-check seed (default fixed, printed at start)
 *   ARGUS_FUZZ_RUNS   total cases over all fuzz properties (default 2500; 100000 = the long run)
 *   ARGUS_FUZZ_PATH   fast-check replay path (with `-t <property>` so only that property runs)
 *   ARGUS_FUZZ_HEALTH_MS    the /healthz latency bound (default 1000)
 *   ARGUS_FUZZ_SHRINK_MS    how long shrinking may take after a failure (default 60000)
 *   ARGUS_FUZZ_TIMEOUT_MS   per-request timeout (default 5000)
 */
export const DEFAULT_SEED = 1_500_015;
export const DEFAULT_RUNS = 2500;

function intEnv(name: string, dflt: number, min: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

export const SEED = intEnv('ARGUS_FUZZ_SEED', DEFAULT_SEED, -(2 ** 31));
export const TOTAL_RUNS = intEnv('ARGUS_FUZZ_RUNS', DEFAULT_RUNS, 1);
export const REPLAY_PATH = process.env.ARGUS_FUZZ_PATH || undefined;
export const HEALTH_BOUND_MS = intEnv('ARGUS_FUZZ_HEALTH_MS', 1000, 1);
export const SHRINK_BUDGET_MS = intEnv('ARGUS_FUZZ_SHRINK_MS', 60_000, 0);
export const REQUEST_TIMEOUT_MS = intEnv('ARGUS_FUZZ_TIMEOUT_MS', 5000, 100);

/**
 * Share of the total runs per property (relative weights, all properties of all fuzz files), so
 * ARGUS_FUZZ_RUNS scales every one of them. Costly cases (tail, big bodies) get less.
 */
const WEIGHTS: Record<string, number> = {
  'events: valid batches': 8,
  'events: odd text': 14,
  'events: mutated fields': 14,
  'events: deep nesting and wide objects': 5,
  'events: duplicate keys, truncated and junk items': 8,
  'events: reserved sources and keys': 3,
  'events: one pretty-printed object': 1,
  'events: content types and encodings': 5,
  'events: random bodies': 10,
  'events: mixed everything': 10,
  'k8s-audit: every envelope, valid events': 8,
  'k8s-audit: odd text': 8,
  'k8s-audit: mutated fields': 10,
  'k8s-audit: deep requestObject': 3,
  'k8s-audit: credentials': 3,
  'k8s-audit: content types and encodings': 3,
  'k8s-audit: redelivery is idempotent': 3,
  'k8s-audit: pre-claimed idempotency key': 1,
  'k8s-audit: random bodies': 6,
  'query: grammar-shaped queries': 18,
  'query: junk queries': 12,
  'query: pathological wildcards': 3,
  'query: parameters': 5,
  'alerts: queries and parameters': 6,
  'tail: open, read a little, close': 4,
};
const TOTAL_WEIGHT = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);

export function runsFor(name: string): number {
  const w = WEIGHTS[name];
  if (w === undefined) throw new Error(`fuzz property "${name}" has no weight in harness/config.ts`);
  return Math.max(1, Math.round((TOTAL_RUNS * w) / TOTAL_WEIGHT));
}

/** A vitest timeout for a property of `runs` cases: generous, as it includes shrinking after a failure. */
export function timeoutFor(runs: number, msPerRun = 100): number {
  return 60_000 + runs * msPerRun + 2 * SHRINK_BUDGET_MS;
}

export function banner(file: string): string {
  return `[fuzz] ${file}: seed=${SEED} runs=${TOTAL_RUNS} (override with ARGUS_FUZZ_SEED / ARGUS_FUZZ_RUNS; health bound ${HEALTH_BOUND_MS} ms)`;
}
