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

describe('component rules', () => {
  it('fails when a component imports another component through its layer folder', async () => {
    const msgs = await lint('src/sources/k8s-audit/receiver.ts', "import { decodeGenericEvents } from '../../transforms/generic/index.ts';\nexport const d = decodeGenericEvents;\n");
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.severity).toBe(2);
    expect(msgs[0]!.message).toMatch(/Component rule: src\/sources\/k8s-audit must not import another component/);
  });

  it('fails when a component imports a sibling component by a relative path', async () => {
    const msgs = await lint('src/sources/k8s-audit/receiver.ts', "import { createRng } from '../synthetic/index.ts';\nexport const g = createRng;\n");
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.message).toMatch(/Component rule/);
  });

  it('fails when a source imports the store backend (a component) instead of the store seam', async () => {
    const msgs = await lint('src/sources/k8s-audit/receiver.ts', "import { createEmbeddedStore } from '../../store/embedded/index.ts';\nexport const c = createEmbeddedStore;\n");
    expect(msgs.map((m) => m.message).join('\n')).toMatch(/Component rule/);
  });

  it('fails when code reaches past a folder index.ts', async () => {
    const msgs = await lint('src/sources/k8s-audit/receiver.ts', "import { ArgusError } from '../../core/errors.ts';\nexport const e = ArgusError;\n");
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.message).toMatch(/through its index\.ts/);
    const api = await lint('src/api/server.ts', "import { decodeAuditPayload } from '../sources/k8s-audit/decode.ts';\nexport const d = decodeAuditPayload;\n");
    expect(api).toHaveLength(1);
  });

  it('fails when a layer below the composition root imports the registry', async () => {
    const msgs = await lint('src/api/server.ts', "import { DEFAULT_REGISTRY } from '../registry.ts';\nexport const r = DEFAULT_REGISTRY;\n");
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.message).toMatch(/Layer rule: src\/api/);
  });

  it('allows a component its own files, core through index.ts, the store seam and the shared SQL library', async () => {
    expect(await lint('src/sources/k8s-audit/receiver.ts', "import { ArgusError } from '../../core/index.ts';\nimport { decodeAuditPayload } from './decode.ts';\nexport const x = [ArgusError, decodeAuditPayload];\n")).toEqual([]);
    expect(await lint('src/store/embedded/store.ts', "import type { Store } from '../types.ts';\nimport { renderDuckDb } from '../sql/index.ts';\nexport type S = Store;\nexport const r = renderDuckDb;\n")).toEqual([]);
  });
});
