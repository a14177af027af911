import { describe, expect, it } from 'vitest';
import { MAX_ERRORS_KEPT } from '../../core/index.ts';
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

describe('decodeGenericEvents limits', () => {
  it('keeps at most MAX_ERRORS_KEPT error objects for 1,000,000 bad events, and counts all of them', () => {
    const r = decodeGenericEvents(`[{"message":"ok"}${',1'.repeat(1_000_000)}]`, NOW);
    expect(r.events).toHaveLength(1);
    expect(r.positions).toEqual([0]);
    expect(r.rejected).toBe(1_000_000);
    expect(r.errors).toHaveLength(MAX_ERRORS_KEPT);
    expect(r.errors.at(-1)!.index).toBe(MAX_ERRORS_KEPT);
  });

  it('applies the nesting cap from the options and records the body index of each event', () => {
    const body = ['{"message":"a"}', `{"message":"b","x":${'['.repeat(20)}${']'.repeat(20)}}`, '{"message":"c"}'].join('\n');
    expect(decodeGenericEvents(body, NOW).errors).toEqual([]);
    const r = decodeGenericEvents(body, NOW, { maxDepth: 16 });
    expect(r.errors).toEqual([{ index: 1, field: 'x', message: 'x: nested more than 16 levels deep (limits.maxDepth)' }]);
    expect(r.positions).toEqual([0, 2]);
  });

  it('accepts epoch s/ms/µs/ns (told apart by magnitude) within 1970..9999 and names ts or timestamp when out of range', () => {
    const ok = decodeGenericEvents('[{"ts":4102444800},{"ts":99999999999999},{"timestamp":1764064800123456},{"ts":1764064800123456789}]', NOW);
    expect(ok.errors).toEqual([]);
    expect(ok.events.map((e) => e.ts)).toEqual([4102444800000, 99999999999999, 1764064800123, 1764064800123]);
    const bad = decodeGenericEvents('[{"ts":1.2e38},{"timestamp":1e300},{"ts":"0000-01-01T00:00:00Z"},{"ts":1e400}]', NOW);
    expect(bad.events).toEqual([]);
    expect(bad.errors.map((e) => [e.index, e.field])).toEqual([[0, 'ts'], [1, 'timestamp'], [2, 'ts'], [3, 'ts']]);
    expect(bad.errors[0]!.message).toMatch(/out of range/);
  });
});
