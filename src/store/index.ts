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
  StoreListener,
} from './types.ts';
