export { createEmbeddedStore } from './store.ts';
export type { EmbeddedStore, EmbeddedStoreOptions } from './store.ts';
export type { SqlRenderer, RenderOptions, RenderedSql } from './render-fallback.ts';
export { crc32c } from './crc32c.ts';
