import { describe, expect, it } from 'vitest';
import { decodeGenericEvents } from './decode.ts';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('decodeGenericEvents', () => {
  it('decodes a JSON array with times in several forms', () => {
    const r = decodeGenericEvents(
      JSON.stringify([
        { ts: '2026-11-25T10:00:00.123456789Z', message: 'a', source: 'app', level: 'warning' },
        { ts: 1764064800, message: 'seconds' },
        { ts: 1764064800123, message: 'ms', namespace: 'payments', extra: { x: 1 } },
      ]),
      NOW,
    );
    expect(r.errors).toEqual([]);
    expect(r.events[0]).toMatchObject({ ts: Date.UTC(2026, 10, 25, 10, 0, 0, 123), tsNanos: 456789, source: 'app', severityNumber: 13 });
    expect(r.events[1]!.ts).toBe(1764064800000);
    expect(r.events[2]).toMatchObject({ ts: 1764064800123, namespace: 'payments', attrs: { extra: { x: 1 } }, source: 'generic' });
  });

  it('keeps good neighbours and names the bad field by index', () => {
    const body = [
      JSON.stringify({ message: 'ok 0' }),
      '{"message": "broken',
      JSON.stringify({ message: 'bad code', code: 'abc' }),
      JSON.stringify({ message: 'bad ts', ts: 'yesterday' }),
      JSON.stringify([1, 2]),
      JSON.stringify({ message: 'ok 5' }),
    ].join('\n');
    const r = decodeGenericEvents(body, NOW);
    expect(r.events.map((e) => e.message)).toEqual(['ok 0', 'ok 5']);
    expect(r.errors.map((e) => [e.index, e.field])).toEqual([
      [1, undefined],
      [2, 'code'],
      [3, 'ts'],
      [4, undefined],
    ]);
    expect(r.errors[1]!.message).toContain('code');
  });

  it('reports malformed JSON arrays as one whole-body error', () => {
    const r = decodeGenericEvents('[{"message": 1}', NOW);
    expect(r.events).toEqual([]);
    expect(r.errors[0]).toMatchObject({ index: -1 });
    expect(r.errors[0]!.message).toMatch(/not valid JSON/);
  });

  it('defaults ts to now and source to generic', () => {
    const r = decodeGenericEvents('{"msg":"hello"}', NOW);
    expect(r.events[0]).toMatchObject({ ts: NOW, source: 'generic', message: 'hello' });
  });
});
