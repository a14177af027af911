/** Drops and failures of detection are counted in its stats (read by /metrics: api/stats-metrics.ts). */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgusError } from '../../core/index.ts';
import type { EmbeddedStore } from '../../store/embedded/index.ts';
import { auditEvent } from '../../store/embedded/test-events.ts';
import { openStore, tempDir } from '../../store/embedded/test-helpers.ts';
import { DetectionService } from './detection-service.ts';
import type { DetectionServiceOptions } from './detection-service.ts';

const RULE = {
  path: 'test.yaml',
  text: `- rule: Any list
  id: test-any-list
  desc: every list call
  source: k8s_audit
  condition: source = k8s_audit and verb = list
  output: "list by %user"
  priority: WARNING
`,
};

describe('DetectionService drops and failures are counted in stats', () => {
  let dir: string;
  let cleanup: () => void;
  let store: EmbeddedStore;
  let service: DetectionService | undefined;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    store = openStore(dir);
    await store.start();
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await store.stop();
    cleanup();
  });

  function start(over: Partial<DetectionServiceOptions>): Promise<void> {
    service = new DetectionService({ store, logger: pino({ level: 'silent' }), dataDir: dir, ruleFiles: () => [RULE], storeAlerts: async () => undefined, ...over });
    return service.start();
  }

  it('answers stats before start (a /metrics scrape may come first)', () => {
    service = new DetectionService({ store, logger: pino({ level: 'silent' }), dataDir: dir, ruleFiles: () => [RULE], storeAlerts: async () => undefined });
    expect(service.stats()).toMatchObject({ rulesLoaded: 0, droppedEvents: 0, lateDropped: 0, evictions: 0, failedAlertWrites: 0, rules: {} });
  });

  it('counts alerts whose write failed and alert consumers that threw', async () => {
    await start({
      storeAlerts: async () => {
        throw new ArgusError('OVERLOADED', 'The store is overloaded');
      },
      onAlerts: () => {
        throw new Error('consumer down');
      },
    });
    // verbs cycle get, list, ...: events 1 and 8 are lists
    // the pipeline hands each durable batch to accept()
    const batch = [auditEvent(0), auditEvent(1), auditEvent(8)];
    await store.append(batch);
    await service!.accept(batch);
    await service!.idle();
    expect(service!.stats()).toMatchObject({ alerts: 2, failedAlertWrites: 2, failedAlertConsumers: 1 });
  });

  it('counts the events the pipeline dropped for detection', async () => {
    await start({});
    service!.dropped(3);
    expect(service!.stats()).toMatchObject({ droppedEvents: 3, alerts: 0 });
  });
});
