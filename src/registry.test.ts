import { describe, expect, it } from 'vitest';
import { buildServerConfigSchema, DEFAULT_REGISTRY, parseServerConfig } from './registry.ts';

describe('server config built from the registry', () => {
  it('has one section per receiver and the store keyed by type (embedded when left out)', () => {
    const c = parseServerConfig({});
    expect(Object.keys(c.receivers).sort()).toEqual(['generic', 'k8s_audit']);
    expect(c.receivers.k8s_audit).toMatchObject({ tokens: [], bodyLimit: 12 * 1024 * 1024 });
    expect(c.store).toMatchObject({ type: 'embedded', flushEvents: 100_000 });
    expect(parseServerConfig({ store: { flushEvents: 5 } }).store).toMatchObject({ type: 'embedded', flushEvents: 5 });
  });

  it('names the path of a bad or unknown key, and an unknown store type', () => {
    expect(() => parseServerConfig({ receivers: { k8s_audit: { tokens: [{ token: 'short', cluster: 'p' }] } } })).toThrow(/receivers\.k8s_audit\.tokens\.0\.token: tokens must be at least 16/);
    expect(() => parseServerConfig({ receivers: { loki: {} } })).toThrow(/server config: receivers: Unrecognized key.*loki/);
    expect(() => parseServerConfig({ store: { type: 'clickhouse' } })).toThrow(/server config: store\.type: Invalid literal value, expected "embedded"/);
  });

  it('says where a moved or removed key went', () => {
    expect(() => parseServerConfig({ k8sAudit: { tokens: [] } })).toThrow(/server config: k8sAudit: this key moved to receivers\.k8s_audit/);
    expect(() => parseServerConfig({ maxPendingEvents: 5 })).toThrow(/maxPendingEvents/);
    expect(() => parseServerConfig({ components: {} })).toThrow(/components/);
  });

  it('refuses two factories of one type', () => {
    const twice = { ...DEFAULT_REGISTRY, receivers: [...DEFAULT_REGISTRY.receivers, DEFAULT_REGISTRY.receivers[0]!] };
    expect(() => buildServerConfigSchema(twice)).toThrow(/two receiver factories have type "generic"/);
  });
});
