import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeNdjson } from './event-codec.ts';
import { Tail } from './tail.ts';
import { auditEvent } from './test-events.ts';
import { tempDir } from './test-helpers.ts';

describe('tail barriers', () => {
  let dir: string;
  let cleanup: () => void;
  let tail: Tail;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    tail = await Tail.create(dir, 2);
  });
  afterEach(async () => {
    await tail.barrier();
    tail.close();
    cleanup();
  });

  it('waits for earlier loads, or gives up after the bound and says so', async () => {
    const load = tail.load(Buffer.from(encodeNdjson([auditEvent(1), auditEvent(2)])), 1, 2);
    expect(await tail.barrierWithin(5_000)).toBe(true);
    await load;
    expect(tail.rowsAbove(0)).toBe(2);
    // a slow operation ahead (as a saturated store has): the bounded wait returns false in time
    let release!: () => void;
    void tail.task(() => new Promise<void>((r) => (release = r)));
    expect(await tail.barrierWithin(100)).toBe(false); // resolves although the task still blocks
    const later = tail.barrierWithin(5_000);
    release();
    expect(await later).toBe(true);
    expect(await tail.barrierWithin(0)).toBe(true); // idle: no wait at all
  });
});
