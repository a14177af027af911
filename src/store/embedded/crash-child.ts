/**
 * Child process for crash.test.ts: appends batches concurrently into the store at argv[2] and
 * prints `ACK <id,id,...>` for each acknowledged batch, until it is killed.
 * Run: node bin/run-ts.js src/store/embedded/crash-child.ts <dataDir> <seed>
 */
import { pino } from 'pino';
import { createEmbeddedStore } from './store.ts';
import { auditEvent } from './test-events.ts';
import { config } from './test-helpers.ts';

const dir = process.argv[2]!;
const seed = Number(process.argv[3] ?? 1);
const store = createEmbeddedStore({
  dataDir: dir,
  config: config({ flushEvents: 300, flushInterval: '150ms', compactBelowRows: 400, commitDelayMs: 1 }),
  logger: pino({ level: 'silent' }),
  maintenanceIntervalMs: 200,
});
await store.start();
process.stdout.write('READY\n');

let n = seed * 1_000_000;
async function writer(w: number): Promise<void> {
  for (;;) {
    const size = 1 + ((n * 7 + w) % 25);
    const evs = Array.from({ length: size }, () => {
      const i = n++;
      // some events carry a dedupKey, so recovery of the key set is exercised too
      return auditEvent(i, { dedupKey: i % 3 === 0 ? `k-${i}` : undefined, ts: Date.UTC(2026, 0, 1 + (i % 3), 0, 0, i % 60) });
    });
    await store.append(evs);
    process.stdout.write(`ACK ${evs.map((e) => e.id).join(',')}\n`);
  }
}
await Promise.all([0, 1, 2, 3].map(writer));
