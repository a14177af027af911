export { createEmbeddedStore } from './store.ts';
export type { EmbeddedStore, EmbeddedStoreOptions, EmbeddedStoreStats, EmbeddedStatsFields } from './store.ts';
export { embeddedStoreConfigSchema } from './config.ts';
export type { EmbeddedStoreConfig } from './config.ts';
export { embeddedStoreFactory } from './factory.ts';
export type { SqlRenderer } from './renderer.ts';
export { crc32c } from './crc32c.ts';
