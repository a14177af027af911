// ESLint flat config: TypeScript rules plus the layer table of docs/ARCHITECTURE.md.
// Imports point down only; a layer violation is an error, so `npm test` fails on it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// layer -> the folders (under src/) it must NOT import from
const layers = {
  core: ['store', 'policy', 'sources', 'transforms', 'detect', 'query', 'alerting', 'api', 'pipeline', 'cli', 'web', 'app'],
  store: ['policy', 'sources', 'transforms', 'detect', 'query', 'alerting', 'api', 'pipeline', 'cli', 'web', 'app'],
  sources: ['detect', 'query', 'alerting', 'api', 'pipeline', 'cli', 'web', 'app'],
  transforms: ['detect', 'query', 'alerting', 'api', 'pipeline', 'cli', 'web', 'app'],
  detect: ['query', 'alerting', 'api', 'pipeline', 'cli', 'web', 'app'],
  query: ['detect', 'alerting', 'api', 'pipeline', 'cli', 'web', 'app'],
  alerting: ['query', 'api', 'pipeline', 'cli', 'web', 'app'],
  policy: ['detect', 'query', 'alerting', 'api', 'pipeline', 'cli', 'web', 'app'],
  api: ['pipeline', 'cli', 'web', 'app'],
  // the composition layer just under app.ts: ingest -> store -> bounded fan-out; api gets it as functions
  pipeline: ['cli', 'web', 'app'],
};

function forbidden(names) {
  const groups = [];
  for (const n of names) {
    if (n === 'app') groups.push('**/app.ts', '**/app.js', '**/app', '**/registry.ts', '**/registry.js');
    else groups.push(`**/${n}/**`, `**/${n}`);
  }
  return groups;
}

// Components (DESIGN.md "component model"): each folder under these layer folders is one component
// (receiver, decoder, store backend...), except the shared libraries listed, which components may
// call. Components never import each other; they meet in the pipeline (src/app.ts, src/registry.ts).
const componentLayers = { sources: [], transforms: [], store: ['sql'], alerting: [] };
const components = Object.entries(componentLayers).flatMap(([layer, libraries]) => {
  let dirs = [];
  try {
    dirs = readdirSync(join(import.meta.dirname, 'src', layer), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !libraries.includes(d.name))
      .map((d) => d.name);
  } catch {
    // the layer has no folder yet
  }
  return dirs.map((name) => ({ layer, name }));
});

const LAYER_FOLDERS = 'core|store|sources|transforms|detect|query|policy|alerting|api';
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// another layer's folder is entered through its index.ts only (tests may reach internals)
const pastIndex = {
  regex: `^(\\.\\./)+(${LAYER_FOLDERS})/(?!(.+/)?index\\.ts$)`,
  message: "Import another folder through its index.ts (no reaching past a folder's index.ts).",
};

function layerPattern(layer) {
  const banned = layers[layer];
  return {
    group: forbidden(banned),
    message: `Layer rule: src/${layer} must not import ${banned.join(', ')} (imports point down only; see docs/ARCHITECTURE.md).`,
  };
}

function restrict(patterns) {
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const layerBlocks = Object.keys(layers).flatMap((layer) => [
  { files: [`src/${layer}/**/*.ts`], rules: restrict([layerPattern(layer)]) },
  { files: [`src/${layer}/**/*.ts`], ignores: ['**/*.test.ts', '**/test-helpers.ts'], rules: restrict([layerPattern(layer), pastIndex]) },
]);

// a component file may not import any other component, by a sibling path (`../synthetic/...`)
// or through its layer folder (`../../transforms/generic/...`)
const componentBlocks = components.map(({ layer, name }) => {
  const others = components.filter((c) => !(c.layer === layer && c.name === name));
  const otherNames = others.map((c) => `(${escape(c.layer)}/)?${escape(c.name)}`).join('|');
  const patterns = [layerPattern(layer)];
  if (others.length > 0) {
    patterns.push({
      regex: `^(\\.\\./)+(${otherNames})(/|$)`,
      message: `Component rule: src/${layer}/${name} must not import another component (components meet in the pipeline: src/app.ts, src/registry.ts).`,
    });
  }
  return [
    { files: [`src/${layer}/${name}/**/*.ts`], rules: restrict(patterns) },
    { files: [`src/${layer}/${name}/**/*.ts`], ignores: ['**/*.test.ts'], rules: restrict([...patterns, pastIndex]) },
  ];
}).flat();

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'tmp/**', 'dist/**', 'web/dist/**', 'bench/out/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'No `export *`: list exports explicitly.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'No process.exit outside src/cli/.' },
      ],
    },
  },
  ...layerBlocks,
  ...componentBlocks,
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
