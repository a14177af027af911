export { EVENT_COLUMNS, COLUMN_TYPES } from './log-event.ts';
export type { LogEvent, LogEventInput, PromotedFields, EventColumn, ColumnType } from './log-event.ts';
export { SEVERITY, severityFromText, severityText, severityFromSyslog } from './severity.ts';
export { newId, idTime } from './ids.ts';
export { finalizeEvent } from './finalize.ts';
export { ArgusError, isArgusError } from './errors.ts';
export type { ErrorCode, Outcome } from './errors.ts';
export { parseDuration, parseTime, parseRfc3339Nanos } from './time.ts';
export {
  parseConfig,
  serverConfigSchema,
  storeConfigSchema,
  retentionSchema,
  auditWebhookConfigSchema,
  tlsConfigSchema,
  detectionConfigSchema,
  DEFAULT_TRUSTED_REGISTRIES,
  limitsConfigSchema,
  queryConfigSchema,
  pipelineConfigSchema,
  splitHostPort,
} from './config.ts';
export type { ServerConfig, StoreConfig, RetentionConfig, AuditWebhookConfig, TlsConfig, DetectionConfig, LimitsConfig, QueryConfig, HttpConfig, TailConfig, PipelineConfig } from './config.ts';
export { claimEvents, ingestLabel, provenancePolicy } from './provenance.ts';
export type { IngestOrigin, IngestReceiver, IngestRejection, ProvenancePolicy, SourceOwnership } from './provenance.ts';
export { fieldName } from './query-plan.ts';
export { wildcardMatcher, wildcardNeedsLinearMatcher, globMatcher } from './wildcard.ts';
export type { FieldRef, CmpOp, Filter, AggFn, Agg, Stage, QueryPlan } from './query-plan.ts';
export type { Lifecycle, ComponentContext, ComponentKind, ComponentFactory } from './component.ts';
export { DEFAULT_MAX_DEPTH, MAX_DEPTH_CEILING, MAX_ERRORS_KEPT, MIN_TS_MS, MAX_TS_MS, tsInRange, exceedsDepth, tooDeepField, depthMessage } from './json-limits.ts';
