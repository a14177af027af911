export { buildServer } from './server.ts';
export type { RouteRegistrar } from './server.ts';
export { createMetrics } from './metrics.ts';
export type { Metrics } from './metrics.ts';
export type { ApiDeps, IngestResult } from './deps.ts';
export { respondToBatch } from './routes/batch-response.ts';
export { timeRange } from './routes/query.ts';
export { K8S_AUDIT_RECEIVER, makeK8sAuditRoutes } from './routes/k8s-audit.ts';
export { GENERIC_RECEIVER } from './routes/events.ts';
