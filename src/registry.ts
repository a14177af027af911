/**
 * Every component factory, listed explicitly by kind (the OpenTelemetry Collector's
 * `components.go`): nothing registers itself by being imported. The server config's component
 * sections are built from these lists: `receivers.<type>` for each receiver, `store` keyed by
 * `type`. A new component is a folder plus one line here; `createApp(config, { registry })` takes
 * another list (tests add a receiver that way).
 */
import { z } from 'zod';
import type { ReceiverFactory } from './core/index.ts';
import { ArgusError, parseConfig, serverBaseConfigSchema } from './core/index.ts';
import type { ServerConfig } from './core/index.ts';
import type { StoreFactory } from './store/index.ts';
import { embeddedStoreFactory } from './store/embedded/index.ts';
import { k8sAuditReceiverFactory } from './sources/k8s-audit/index.ts';
import { genericReceiverFactory } from './transforms/generic/index.ts';

export interface Registry {
  /** push receivers: every one listed is mounted, configured under `receivers.<type>` */
  receivers: readonly ReceiverFactory[];
  /** store backends: `store.type` picks one; the first is the default */
  stores: readonly [StoreFactory, ...StoreFactory[]];
}

export const DEFAULT_REGISTRY: Registry = {
  receivers: [genericReceiverFactory, k8sAuditReceiverFactory],
  stores: [embeddedStoreFactory],
};

/** Keys that moved, with where they went: named in the error instead of a bare "unrecognized key". */
const MOVED: Record<string, string> = {
  k8sAudit: 'receivers.k8s_audit (same keys)',
  maxPendingEvents: 'nowhere: it was never used (the store bounds pending events itself)',
  components: 'the component sections: receivers.<type> and store (with store.type)',
};

function checkUnique(kind: string, types: readonly string[]): void {
  const seen = new Set<string>();
  for (const t of types) {
    if (seen.has(t)) throw new ArgusError('INTERNAL', `two ${kind} factories have type "${t}"`);
    seen.add(t);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The server config schema of a registry: the base sections plus `receivers` and `store`. */
export function buildServerConfigSchema(registry: Registry): z.ZodType<ServerConfig, z.ZodTypeDef, unknown> {
  checkUnique('receiver', registry.receivers.map((f) => f.type));
  checkUnique('store', registry.stores.map((f) => f.type));
  const receivers = z
    .object(Object.fromEntries(registry.receivers.map((f) => [f.type, f.configSchema.default({})])))
    .strict()
    .default({});
  const [first, ...rest] = registry.stores.map((f) => (f.configSchema as z.AnyZodObject).extend({ type: z.literal(f.type) }));
  const defaultType = registry.stores[0].type;
  const union = rest.length === 0 ? first! : z.discriminatedUnion('type', [first!, ...rest]);
  // `type` may be left out (the first store); an absent section is that store's defaults
  const store = z.preprocess((v) => (v === undefined ? { type: defaultType } : isObject(v) && !('type' in v) ? { type: defaultType, ...v } : v), union);
  return serverBaseConfigSchema.extend({ receivers, store }) as unknown as z.ZodType<ServerConfig, z.ZodTypeDef, unknown>;
}

/** The schema of the default registry (docs, tests, `argus` commands that only validate). */
export const serverConfigSchema = buildServerConfigSchema(DEFAULT_REGISTRY);

/** Parses a server config against a registry; a bad field throws BAD_CONFIG naming its path. */
export function parseServerConfig(raw: unknown, registry: Registry = DEFAULT_REGISTRY): ServerConfig {
  if (isObject(raw)) {
    const moved = Object.keys(MOVED).find((k) => k in raw);
    if (moved !== undefined) {
      throw new ArgusError('BAD_CONFIG', `server config: ${moved}: this key moved to ${MOVED[moved]}`, { issues: [{ path: moved, message: `moved to ${MOVED[moved]}` }] });
    }
  }
  const schema = registry === DEFAULT_REGISTRY ? serverConfigSchema : buildServerConfigSchema(registry);
  return parseConfig(schema, raw, 'server config');
}
