export { createPipeline } from './pipeline.ts';
export type { Pipeline, PipelineOptions } from './pipeline.ts';
export { FanOut, approxBytes } from './fan-out.ts';
export type { ConsumerStats, PipelineConsumer, QueueLimits } from './fan-out.ts';
export { AlertWriter, isRetryable } from './alert-writer.ts';
export type { AlertWriterOptions } from './alert-writer.ts';
export { createPipelineMetrics } from './metrics.ts';
export type { PipelineMetrics } from './metrics.ts';
