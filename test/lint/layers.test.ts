/**
 * The layer table is enforced by ESLint (an error fails `npm test`): this runs the project's real
 * config over a store file that imports the HTTP layer, and over one that imports only core.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

async function lint(file: string, code: string) {
  const eslint = new ESLint({ cwd: ROOT });
  const [r] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return r!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
}

describe('layer rules', () => {
  it('fails when the store imports the api layer', async () => {
    const msgs = await lint('src/store/index.ts', "import { buildServer } from '../api/index.ts';\nexport const x = buildServer;\n");
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.severity).toBe(2);
    expect(msgs[0]!.message).toMatch(/Layer rule: src\/store must not import/);
  });

  it('fails when core imports anything of ours above it', async () => {
    const msgs = await lint('src/core/index.ts', "import type { Store } from '../store/index.ts';\nexport type S = Store;\n");
    expect(msgs).toHaveLength(1);
  });

  it('fails when detection imports the query layer', async () => {
    const msgs = await lint('src/detect/index.ts', "import { parseQuery } from '../query/index.ts';\nexport const p = parseQuery;\n");
    expect(msgs).toHaveLength(1);
  });

  it('fails when the api layer imports the pipeline above it (api gets it as functions)', async () => {
    const msgs = await lint('src/api/index.ts', "import { createPipeline } from '../pipeline/index.ts';\nexport const p = createPipeline;\n");
    expect(msgs).toHaveLength(1);
  });

  it('lets the pipeline use the layers below it', async () => {
    const msgs = await lint('src/pipeline/index.ts', "import type { Metrics } from '../api/index.ts';\nimport type { Store } from '../store/index.ts';\nexport type X = [Metrics, Store];\n");
    expect(msgs).toEqual([]);
  });

  it('allows imports that point down', async () => {
    const msgs = await lint('src/store/index.ts', "import { newId } from '../core/index.ts';\nexport const id = newId;\n");
    expect(msgs).toEqual([]);
  });
});
