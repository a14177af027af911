/** The embedded store as a registered component (`store: { type: embedded, ... }`). */
import type { StoreFactory } from '../types.ts';
import { embeddedStoreConfigSchema } from './config.ts';
import { createEmbeddedStore } from './store.ts';

export const embeddedStoreFactory: StoreFactory<typeof embeddedStoreConfigSchema> = {
  kind: 'store',
  type: 'embedded',
  configSchema: embeddedStoreConfigSchema,
  create: (ctx, config) => createEmbeddedStore({ dataDir: ctx.dataDir, config, logger: ctx.logger }),
};
