#!/usr/bin/env node
// Builds dist/: tsc (tsconfig.build.json, `.ts` imports rewritten to `.js`) plus the runtime data
// files that live beside the code (the built-in rule pack's YAML). A clean build every time, so a
// removed source file never lingers in dist/.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const ASSET = /\.(ya?ml|json)$/;

rmSync(dist, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

let copied = 0;
const walk = (dir) => {
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) walk(p);
    else if (ASSET.test(ent.name)) {
      const out = join(dist, relative(src, p));
      mkdirSync(dirname(out), { recursive: true });
      cpSync(p, out);
      copied++;
    }
  }
};
walk(src);
// the test setup rebuilds when a source file is newer than this stamp
writeFileSync(join(dist, '.build-stamp'), new Date().toISOString() + '\n');
process.stdout.write(`Built dist/ (${copied} data files copied)\n`);
