/** A store filled with small events and a heavy (linear, seconds-long) query over them, for the query limit tests. */
import type { Store } from '../../src/store/index.ts';
import { appEvent } from '../../src/store/embedded/test-events.ts';

/** Appends `n` events with ~`messageBytes` messages (5000 per batch), then flushes all but the last batch into segments. */
export async function fillStore(store: Store, n: number, messageBytes = 400): Promise<void> {
  for (let i = 0; i < n; i += 5000) {
    await store.append(Array.from({ length: Math.min(5000, n - i) }, (_, j) => appEvent(i + j, messageBytes)));
    if (i + 10_000 >= n && i + 5000 < n) await store.flush();
  }
  await store.settled();
}

/** `terms` attrs paths OR'ed, then a count: each row's attrs JSON is read once per path (~8 s for 200 over 300k events). */
export function heavyQueryText(terms: number): string {
  return `${Array.from({ length: terms }, (_, i) => `attrs.p${i}.q:${i}`).join(' OR ')} | stats count()`;
}

/** Polls `check` every 20 ms until it holds; false after `capMs` (a generous cap on an unbounded wait). */
export async function eventually(check: () => boolean | Promise<boolean>, capMs: number): Promise<boolean> {
  const end = Date.now() + capMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}
