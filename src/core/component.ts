import type { Logger } from 'pino';
import type { z } from 'zod';

/**
 * The factory + lifecycle contract every component (source, transform, notifier, store) follows,
 * modelled on the OpenTelemetry Collector: `create` builds, `start` acquires resources,
 * `stop` releases them and is safe twice and without start.
 */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ComponentContext {
  /** instance name from config (e.g. "k8s-audit-prod") */
  name: string;
  logger: Logger;
  /** the server's data directory, for components that persist state */
  dataDir: string;
}

export type ComponentKind = 'source' | 'transform' | 'detector' | 'notifier' | 'store';

export interface ComponentFactory<S extends z.ZodTypeAny = z.ZodTypeAny, T = unknown> {
  kind: ComponentKind;
  type: string;
  configSchema: S;
  create(ctx: ComponentContext, config: z.infer<S>): T;
}
