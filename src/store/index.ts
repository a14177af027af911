export type {
  Store,
  StoreQuery,
  QueryResult,
  QueryStats,
  AppendResult,
  SegmentInfo,
  StoreStats,
  RetentionReport,
  CompactionReport,
  StoreHealth,
} from './types.ts';
export { createEmbeddedStore } from './embedded/index.ts';
export type { EmbeddedStore, EmbeddedStoreOptions } from './embedded/index.ts';
