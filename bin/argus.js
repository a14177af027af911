#!/usr/bin/env node
// Entry point: runs the compiled CLI in dist/ (built by `npm ci` through the `prepare` script, or
// `npm run build`). ARGUS_DEV=1 runs the TypeScript sources through tsx instead (development).
import { existsSync } from 'node:fs';

if (process.env.ARGUS_DEV === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else {
  const main = new URL('../dist/cli/main.js', import.meta.url);
  if (!existsSync(main)) {
    process.stderr.write('argus: dist/ is not built: run `npm run build` (npm ci does it), or set ARGUS_DEV=1 to run the sources\n');
    process.exit(2);
  }
  await import(main.href);
}
