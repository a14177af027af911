import { describe, expect, it } from 'vitest';
import { decodeGenericEvents, fastValid, genericEventSchema } from './decode.ts';

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

  it('reads one pretty-printed object as one event, and NDJSON line by line', () => {
    const one = decodeGenericEvents('{\n  "message": "pretty",\n  "namespace": "web"\n}\n', 1000);
    expect(one.errors).toEqual([]);
    expect(one.events).toMatchObject([{ message: 'pretty', namespace: 'web' }]);
    const nd = decodeGenericEvents('{"message":"a"}\n{"message":"b"}\n{"message":', 1000);
    expect(nd.events.map((e) => e.message)).toEqual(['a', 'b']);
    expect(nd.errors).toMatchObject([{ index: 2 }]);
  });

  it('defaults ts to now and source to generic', () => {
    const r = decodeGenericEvents('{"msg":"hello"}', NOW);
    expect(r.events[0]).toMatchObject({ ts: NOW, source: 'generic', message: 'hello' });
  });
});

describe('fastValid agrees with the zod schema', () => {
  it('never accepts what zod rejects, over many generated events', () => {
    let x = 7;
    const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const values: unknown[] = ['', 'a', 'web', 'x'.repeat(70 * 1024), 0, -1, 3, 25, 999, 1000, 1.5, NaN, Infinity, null, true, [], ['a'], [1], {}, { a: 1 }, 1_700_000_000_000];
    const fields = ['ts', 'timestamp', 'source', 'namespace', 'severityNumber', 'severityText', 'message', 'msg', 'groups', 'code', 'dedupKey', 'attrs', 'extra'];
    let fast = 0;
    let rejected = 0;
    for (let i = 0; i < 20_000; i++) {
      const e: Record<string, unknown> = {};
      const n = Math.floor(rnd() * 4);
      for (let j = 0; j < n; j++) e[pick(fields)] = pick(values);
      const zodOk = genericEventSchema.safeParse(e).success;
      if (fastValid(e)) {
        fast++;
        expect(zodOk, JSON.stringify(e).slice(0, 200)).toBe(true);
      } else rejected += zodOk ? 0 : 1;
    }
    expect(fast).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(1000); // and the invalid ones still go to zod for their message
  });
});
