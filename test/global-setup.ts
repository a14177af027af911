/**
 * Vitest global setup: tests that spawn `bin/argus.js` run the compiled dist/, so rebuild it when
 * any file under src/ is newer than the last build (a no-op in CI right after `npm ci`).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function newest(dir: string): number {
  let max = 0;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    max = Math.max(max, ent.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

export default function setup(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist', '.build-stamp')).mtimeMs;
  } catch {
    // never built
  }
  if (newest(join(ROOT, 'src')) > built) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
