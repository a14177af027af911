import type { Logger } from 'pino';
import type { z } from 'zod';

/**
 * The factory + lifecycle contract every component (receiver, store, later notifiers) follows,
 * modelled on the OpenTelemetry Collector: `create` builds, `start` acquires resources,
 * `stop` releases them and is safe twice and without start. Factories are listed explicitly in
 * src/registry.ts (no registration by side-effect imports); the server config's sections are built
 * from their `configSchema`s.
 */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ComponentContext {
  /** instance name (today the factory's type: one instance per type) */
  name: string;
  /** the server's logger: the component makes its own child (`{ component: ... }`) */
  logger: Logger;
  /** the server's data directory, for components that persist state */
  dataDir: string;
}

export type ComponentKind = 'receiver' | 'store' | 'notifier';

/**
 * A component factory: `type` is its config key (`receivers.<type>`, `store.type: <type>`),
 * `configSchema` a zod `.strict()` object whose every key has a default (`{}` parses), and
 * `create` builds an instance from the parsed config.
 */
export interface ComponentFactory<K extends ComponentKind = ComponentKind, S extends z.ZodTypeAny = z.ZodTypeAny, T = unknown> {
  kind: K;
  type: string;
  configSchema: S;
  create(ctx: ComponentContext, config: z.infer<S>): T;
}

/** A lifecycle for components that hold nothing (stop is trivially safe twice and without start). */
export function noLifecycle(): Lifecycle {
  return { start: async () => {}, stop: async () => {} };
}
