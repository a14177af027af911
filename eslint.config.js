// ESLint flat config: TypeScript rules plus the layer table of docs/ARCHITECTURE.md.
// Imports point down only; a layer violation is an error, so `npm test` fails on it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    if (n === 'app') groups.push('**/app.ts', '**/app.js', '**/app');
    else groups.push(`**/${n}/**`, `**/${n}`);
  }
  return groups;
}

const layerBlocks = Object.entries(layers).map(([layer, banned]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: forbidden(banned),
            message: `Layer rule: src/${layer} must not import ${banned.join(', ')} (imports point down only; see docs/ARCHITECTURE.md).`,
          },
        ],
      },
    ],
  },
}));

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
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
