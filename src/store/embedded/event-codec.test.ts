import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../core/index.ts';
import { canonicalEvent, encodeBatch, fixLoneSurrogates } from './event-codec.ts';
import { auditEvent } from './test-events.ts';

describe('well-formed text', () => {
  it('replaces real lone-surrogate escapes only, whatever backslashes precede them', () => {
    const fix = (text: string): unknown => JSON.parse(fixLoneSurrogates(JSON.stringify(text)));
    expect(fixLoneSurrogates(JSON.stringify('x\ud800'))).toBe('"x\\ufffd"');
    expect(fix('x\ud800')).toBe('x\ufffd');
    expect(fixLoneSurrogates(JSON.stringify('\\ud800'))).toBe(JSON.stringify('\\ud800'));
    expect(fix('\\\ud800')).toBe('\\\ufffd');
    expect(fix('\\\\\ud800\\ud800')).toBe('\\\\\ufffd\\ud800');
    expect(fix('\udc00\ud800\ud83d\ude00')).toBe('\ufffd\ufffd\u{1f600}');
  });

  it('makes every string of a batch well-formed, attrs keys included, without touching the input', () => {
    const bad = auditEvent(1, { attrs: { ['k\udfff']: ['v\ud800', { deep: '\udc00' }] }, message: 'fine' });
    const good = auditEvent(2);
    const { ndjson, events } = encodeBatch([good, bad]);
    expect(events[0]).toBe(good);
    expect(events[1]).not.toBe(bad);
    expect(events[1]!.attrs).toEqual({ 'k\ufffd': ['v\ufffd', { deep: '\ufffd' }] });
    expect(ndjson.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogEvent)).toEqual(events);
    expect((bad.attrs as Record<string, unknown>)['k\udfff']).toBeDefined();
    expect(encodeBatch([good]).ndjson).toBe(JSON.stringify(good) + '\n');
  });

  it('canonicalEvent makes column text well-formed (dedupKey before the idempotency claim)', () => {
    const e = auditEvent(3, { user: 'a\ud800', dedupKey: 'k\udc00', groups: ['g\ud800'] });
    const c = canonicalEvent(e);
    expect([c.user, c.dedupKey, c.groups]).toEqual(['a\ufffd', 'k\ufffd', ['g\ufffd']]);
    expect(e.user).toBe('a\ud800');
    const ok = auditEvent(4);
    expect(canonicalEvent(ok)).toBe(ok);
  });

  it('agrees with String#toWellFormed on arbitrary UTF-16 (seeded)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 8 }), (text, key) => {
        const e = auditEvent(5, { message: text, attrs: { [key]: text, n: [text] } });
        const { ndjson, events } = encodeBatch([canonicalEvent(e)]);
        const back = JSON.parse(ndjson) as LogEvent;
        expect(back).toEqual(events[0]);
        expect(back.message).toBe(text.toWellFormed());
        expect(back.attrs).toEqual({ [key.toWellFormed()]: text.toWellFormed(), n: [text.toWellFormed()] });
      }),
      { seed: 15, numRuns: 2000 },
    );
  });
});
