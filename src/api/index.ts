export { buildServer } from './server.ts';
export type { RouteRegistrar } from './server.ts';
export { createMetrics } from './metrics.ts';
export type { Metrics } from './metrics.ts';
export type { ApiDeps } from './deps.ts';
export { QueryGate } from './query-gate.ts';
export { respondToBatch } from './routes/batch-response.ts';
export { timeRange } from './routes/query.ts';
export { makeK8sAuditRoutes } from './routes/k8s-audit.ts';
