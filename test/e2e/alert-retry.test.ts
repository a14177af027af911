/**
 * An alert raised while the store answers OVERLOADED is not lost (issue 16, "alerts are written
 * back through the pipeline with retries"): the app retries with backoff and stores it once the
 * store takes writes again. The unfixed app logged "Storing alerts failed" and dropped it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_INGEST_RECEIVER, createApp } from '../../src/app.ts';
import { ArgusError } from '../../src/core/index.ts';
import type { LogEvent } from '../../src/core/index.ts';
import type { AppendResult } from '../../src/store/index.ts';
import { metricValue } from '../helpers/app.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-alert-retry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rules = join(dir, 'rules.yaml');
writeFileSync(
  rules,
  `- rule: Test forbidden
  id: test-forbidden
  desc: one alert per 403
  source: k8s_audit
  condition: source = k8s_audit and code = 403
  output: "403 from %sourceIp"
  priority: WARNING
`,
);

describe('alert write-back under an overloaded store', () => {
  it('retries until the store takes the alert; counts the failed attempts', async () => {
    const app = createApp(
      { data: join(dir, 'data'), listen: '127.0.0.1:0', detection: { builtin: false, rules: [rules] } },
      { logger: pino({ level: 'silent' }), defaultMetrics: false },
    );
    await app.start();
    try {
      // the store refuses the next 3 alert writes as OVERLOADED (its pending bound), then recovers
      const append = app.store.append.bind(app.store);
      let refuse = 3;
      app.store.append = async (events: LogEvent[]): Promise<AppendResult> => {
        if (events.some((e) => e.source === 'alert') && refuse > 0) {
          refuse--;
          throw new ArgusError('OVERLOADED', 'The store has too many events pending');
        }
        return append(events);
      };
      const r = await app.ingest([{ ts: Date.now(), source: 'k8s_audit', message: 'denied', code: 403, sourceIp: '203.0.113.7' }], { receiver: CLI_INGEST_RECEIVER.name });
      expect(r.accepted).toBe(1);
      await app.detection.idle();
      expect(refuse).toBe(0);
      const q = await app.store.query({ plan: { filter: { op: 'match', field: { kind: 'column', name: 'source' }, value: 'alert', wildcard: false }, stages: [] }, limit: 10 });
      expect(q.kind === 'events' ? q.events.map((e) => e.attrs.rule) : []).toEqual(['Test forbidden']);
      expect(await metricValue(app, 'argus_alert_write_failures_total', { outcome: 'retried' })).toBe(3);
    } finally {
      await app.stop();
    }
  });
});
