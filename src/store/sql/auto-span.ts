/** Bucket sizes a timechart picks from when the query gives no span. */
const NICE_SPANS_MS = [
  1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000,
  43_200_000, 86_400_000, 604_800_000,
];

/** The smallest nice span giving at most ~`target` buckets over [from, to); 1m without a range. */
export function autoSpanMs(from: number | undefined, to: number | undefined, target = 100): number {
  if (from === undefined || to === undefined || to <= from) return 60_000;
  const want = (to - from) / target;
  return NICE_SPANS_MS.find((s) => s >= want) ?? NICE_SPANS_MS[NICE_SPANS_MS.length - 1]!;
}
