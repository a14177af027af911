/**
 * The public test data (Falco rules and fixtures, Sigma rules, cloud envelopes, the Kubernetes
 * docs' policy, container/journald/syslog/web samples) lives beside the project in
 * `../shared/samples/` and is never copied into the repo. Tests reach it only through this helper:
 * a suite whose data is absent is skipped with a message naming the missing path.
 */
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { samplePath } from './sample-path.ts';

export { SAMPLES, samplePath } from './sample-path.ts';

/** Whether every named sample path exists; warns once per missing path. */
export function hasSamples(...rel: string[]): boolean {
  let ok = true;
  for (const r of rel) {
    const p = samplePath(r);
    if (!existsSync(p)) {
      ok = false;
      process.stderr.write(`Skipping tests that need public sample data: ${p} is missing (see ../shared/samples/README.md).\n`);
    }
  }
  return ok;
}

/**
 * `describe` whose body runs only when every sample path exists; otherwise one skipped test names
 * the missing path (the body is not even collected, so it may read its data at the top).
 */
export function describeWithSamples(rel: string | string[], name: string, fn: () => void): void {
  const paths = Array.isArray(rel) ? rel : [rel];
  if (hasSamples(...paths)) describe(name, fn);
  else describe.skip(name, () => it(`needs ${paths.map((r) => samplePath(r)).join(', ')}`, () => undefined));
}
