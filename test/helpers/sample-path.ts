/**
 * Where the public test data lives: `../shared/samples/` beside the repository (its README names
 * origin and licence), or $ARGUS_SAMPLES. Plain module (no Vitest) so benches can use it too.
 */
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** The samples folder: $ARGUS_SAMPLES, else ../shared/samples beside the repository. */
export const SAMPLES = process.env.ARGUS_SAMPLES ? resolve(process.env.ARGUS_SAMPLES) : resolve(ROOT, '..', 'shared', 'samples');

/** Absolute path of a sample (relative to the samples folder). */
export function samplePath(...parts: string[]): string {
  return resolve(SAMPLES, ...parts);
}
