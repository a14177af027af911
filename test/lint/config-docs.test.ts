/**
 * docs/config.md is the one reference of the server config: this walks the zod schema
 * (serverConfigSchema.shape, recursively) and fails when a key is missing from the page, or when
 * the default the page gives is not the schema's. A section added to the schema without its
 * documentation fails here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { serverConfigSchema } from '../../src/core/index.ts';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/config.md'), 'utf8');

interface Key {
  path: string;
  /** the schema's default, when it has one */
  default?: unknown;
  /** a section (an object of keys): documented by its keys */
  section?: true;
}

/** Every key path: `a.b`, `a.list[].c`, `a.map.<source>.d`. */
function configKeys(schema: z.ZodTypeAny, prefix = ''): Key[] {
  let s = schema;
  let dflt: unknown;
  let hasDefault = false;
  for (;;) {
    if (s instanceof z.ZodDefault) {
      if (!hasDefault) dflt = (s._def.defaultValue as () => unknown)();
      hasDefault = true;
      s = s._def.innerType as z.ZodTypeAny;
    } else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodTypeAny;
    else if (s instanceof z.ZodEffects) s = s.innerType() as z.ZodTypeAny;
    else break;
  }
  const here: Key[] = prefix === '' ? [] : [hasDefault ? { path: prefix, default: dflt } : { path: prefix }];
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, z.ZodTypeAny>;
    for (const k of here) k.section = true;
    return [...here, ...Object.entries(shape).flatMap(([k, v]) => configKeys(v, prefix === '' ? k : `${prefix}.${k}`))];
  }
  if (s instanceof z.ZodArray) return [...here, ...configKeys(s.element as z.ZodTypeAny, `${prefix}[]`).filter((k) => k.path !== `${prefix}[]`)];
  if (s instanceof z.ZodRecord) return [...here, ...configKeys(s.valueSchema as z.ZodTypeAny, `${prefix}.<source>`).filter((k) => k.path !== `${prefix}.<source>`)];
  return here;
}

/** The row of `key` in the page's tables: its cells. */
function row(key: string): string[] | undefined {
  const line = DOC.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
  return line?.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
}

/** How the page writes a default: `30s`, 1024, `[]`. */
function written(v: unknown): string {
  if (typeof v === 'number') return `\`${v}\``;
  if (typeof v === 'string' || typeof v === 'boolean') return `\`${String(v)}\``;
  return `\`${JSON.stringify(v)}\``;
}

describe('docs/config.md', () => {
  const keys = configKeys(serverConfigSchema);

  it('walks the whole schema (nested sections, lists and maps included)', () => {
    const paths = keys.map((k) => k.path);
    expect(keys.filter((k) => k.section).map((k) => k.path)).toEqual(expect.arrayContaining(['tls', 'store', 'store.retention', 'http']));
    for (const p of ['listen', 'tls.certFile', 'store.retention.perSource.<source>.maxAge', 'k8sAudit.tokens[].token', 'http.maxConnections', 'tail.maxClients']) {
      expect(paths).toContain(p);
    }
  });

  it('documents every key of the server config, with the schema\'s default', () => {
    const missing = keys.filter((k) => !k.section && row(k.path) === undefined).map((k) => k.path);
    expect(missing, `keys missing from docs/config.md (add a table row "| \`key\` | type | default | meaning |")`).toEqual([]);
    const wrong = keys
      .filter((k) => !k.section && k.default !== undefined && typeof k.default !== 'object')
      .filter((k) => !row(k.path)![2]!.startsWith(written(k.default)))
      .map((k) => `${k.path}: the schema says ${written(k.default)}, the page "${row(k.path)![2]}"`);
    expect(wrong).toEqual([]);
  });

  it('documents the environment variables', () => {
    for (const v of ['ARGUS_SERVER', 'ARGUS_LOG_LEVEL', 'ARGUS_DEV']) expect(DOC).toContain(`| \`${v}\` |`);
  });
});
