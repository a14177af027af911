import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../core/index.ts';
import type { Alert } from '../alert.ts';
import { byKey, detector, ev, rule, ruleSet, run, T0 } from './fixture.ts';

const FAIL = 'code = 401';
const threshold = (count: number, window = '1m') => ruleSet(rule('Brute', FAIL, `threshold: {count: ${count}, window: ${window}, by: [sourceIp]}`));
const ip = (sourceIp: string) => ({ sourceIp, code: 401 });

describe('threshold', () => {
  it('fires exactly at N, once per episode, listing the events behind it', () => {
    const events = [0, 10, 20, 30, 40].map((s) => ev(s, ip('1.1.1.1')));
    const alerts = run(detector(threshold(5)), events);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'Brute', ruleId: 'brute', count: 5, firstTs: T0, lastTs: T0 + 40_000, severity: 13 });
    expect(alerts[0]!.eventIds).toEqual(events.map((e) => e.id));
    expect(alerts[0]!.auditIds).toEqual(events.map((e) => e.auditId));
    expect(alerts[0]!.labels).toMatchObject({ rule: 'Brute', sourceIp: '1.1.1.1' });
    expect(alerts[0]!.alertKey).toMatch(new RegExp(`^brute:t:[0-9a-f]{16}:${T0}$`));
    expect(alerts[0]!.title).toBe('Brute from 1.1.1.1');
  });

  it('does not fire below N', () => {
    expect(run(detector(threshold(5)), [0, 10, 20, 30].map((s) => ev(s, ip('1.1.1.1'))))).toHaveLength(0);
  });

  it('counts keys apart', () => {
    const events = [0, 5, 10, 15, 20, 25].map((s, i) => ev(s, ip(i % 2 ? '2.2.2.2' : '1.1.1.1')));
    expect(run(detector(threshold(3)), events).map((a) => a.labels['sourceIp']).sort()).toEqual(['1.1.1.1', '2.2.2.2']);
    expect(run(detector(threshold(4)), events)).toHaveLength(0);
  });

  it('window boundary: an event exactly one window after the first is not in its window', () => {
    expect(run(detector(threshold(3)), [0, 30, 59.999].map((s) => ev(s, ip('1.1.1.1'))))).toHaveLength(1);
    expect(run(detector(threshold(3)), [0, 30, 60].map((s) => ev(s, ip('1.1.1.1'))))).toHaveLength(0);
    // sliding: the 3 hits in (t - 1m, t] count whatever minute they fall in
    expect(run(detector(threshold(3)), [0, 50, 70, 100].map((s) => ev(s, ip('1.1.1.1'))))[0]).toMatchObject({ firstTs: T0 + 50_000 });
  });

  it('no storm: a sustained burst gives one alert per window episode', () => {
    const events = Array.from({ length: 40 }, (_, i) => ev(i * 5, ip('1.1.1.1'))); // 0..195s, 12/min
    const alerts = run(detector(threshold(5)), events);
    expect(alerts.map((a) => (a.firstTs - T0) / 1000)).toEqual([0, 60, 120]); // 180..195: only 4 hits
    expect(new Set(alerts.map((a) => a.alertKey)).size).toBe(3);
  });
});

describe('dedupe', () => {
  const rs = ruleSet(rule('Denied', FAIL, 'dedupe: {window: 1m, by: [sourceIp]}'));

  it('sends the first alert, suppresses repeats in the window, then a summary counting them', () => {
    const d = detector(rs, { allowedLateness: 0 });
    const first = d.process([ev(0, ip('1.1.1.1'))]);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ count: 1 });
    expect(d.process([10, 20, 30].map((s) => ev(s, ip('1.1.1.1'))))).toHaveLength(0);
    // late (15 < watermark 30) but the rule's only state is dedupe: it still alerts, and opens the key's window
    const late = d.process([ev(15, ip('2.2.2.2'))]);
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ count: 1, firstTs: T0 + 15_000 });
    expect(d.process([ev(31, ip('2.2.2.2'))])).toHaveLength(0); // inside the late window [15s, 75s)
    const rest = d.process([ev(61, ip('1.1.1.1'))]);
    expect(rest).toHaveLength(2); // the summary of the 1.1.1.1 window, then a new first alert
    // the summary cites only the requests the first alert did not
    expect(rest[0]).toMatchObject({ count: 3, suppressed: 3, firstTs: T0 + 10_000, lastTs: T0 + 30_000 });
    expect(rest[0]!.eventIds).toHaveLength(3);
    expect(rest[0]!.auditIds).not.toContain(first[0]!.auditIds[0]);
    expect(rest[0]!.title).toBe('Denied from 1.1.1.1 (repeated 3 more times)');
    expect(rest[1]).toMatchObject({ count: 1, firstTs: T0 + 61_000 });
    expect(d.stats()).toMatchObject({ suppressed: 4, lateDropped: 0, lateAccepted: 1 });
    const end = d.flush();
    expect(end.map((a) => [a.title, a.suppressed])).toEqual([['Denied from 2.2.2.2 (repeated 1 more time)', 1]]);
  });

  it('combines with threshold: one threshold alert per dedupe window', () => {
    const both = ruleSet(rule('B', FAIL, 'threshold: {count: 2, window: 10s, by: [sourceIp]}\ndedupe: {window: 1h, by: [sourceIp]}'));
    const alerts = run(detector(both), [0, 1, 20, 21, 40, 41].map((s) => ev(s, ip('1.1.1.1'))));
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ count: 4, suppressed: 2 });
  });
});

describe('absence', () => {
  const rs = ruleSet(rule('Silent', 'source = http', 'absence: {for: 10m, by: [cluster]}'));
  const at = (min: number, cluster: string) => ev(min * 60, { cluster });

  it('detects silence through the watermark of other keys', () => {
    const events = [at(0, 'a'), at(0, 'b'), at(2, 'a'), ...[3, 6, 9, 12, 13, 14].map((m) => at(m, 'b'))];
    const d = detector(rs);
    const alerts = events.flatMap((e) => d.process([e]));
    // a last seen at 2m; silent at 12m once the watermark (14m - 1m lateness) passes it
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'Silent', lastTs: T0 + 120_000, count: 2 });
    expect(alerts[0]!.labels).toMatchObject({ cluster: 'a' });
    expect(alerts[0]!.alertKey).toMatch(new RegExp(`^silent:a:[0-9a-f]{16}:${T0 + 120_000}$`));
  });

  it('detects silence through tick(now) when nothing arrives at all', () => {
    const d = detector(rs);
    d.process([at(0, 'a'), at(1, 'a')]);
    expect(d.tick(T0 + 11 * 60_000 + 59_999)).toHaveLength(0); // 11m + lateness not yet reached
    const alerts = d.tick(T0 + 12 * 60_000);
    expect(alerts).toHaveLength(1);
    expect(d.tick(T0 + 60 * 60_000)).toHaveLength(0); // once per silence
  });

  it('out of order within the lateness: a gap is found whatever order the hits of a key arrive in', () => {
    const rs5 = ruleSet(rule('Silent', 'source = http', 'absence: {for: 5m, by: [cluster]}'));
    const s = (sec: number, cluster: string) => ev(sec, { cluster });
    const sum = (alerts: Alert[]) =>
      alerts.map((a) => [a.labels['cluster'], (a.firstTs - T0) / 1000, (a.lastTs - T0) / 1000, a.count, a.lastSeen?.eventId, a.eventIds.length]).sort((x, y) => String(x).localeCompare(String(y)));
    // a at 0 is applied (watermark 10s), then 320 (past a's deadline 300: queued), then 100 (fills the gap)
    const [a0, b250, a320, a100] = [s(0, 'a'), s(250, 'b'), s(320, 'a'), s(100, 'a')];
    const staged = (events: LogEvent[][]) => {
      const d = detector(rs5, { allowedLateness: '4m' });
      return [...events.flatMap((b) => d.process(b)), ...d.flush(T0 + 2_000_000)];
    };
    const inOrder = staged([[a0], [a100], [b250], [a320]]);
    expect(sum(inOrder)).toEqual([
      ['a', 0, 320, 3, a320.id, 0],
      ['b', 250, 250, 1, b250.id, 0],
    ]);
    expect(sum(staged([[a0], [b250], [a320], [a100]]))).toEqual(sum(inOrder));
    expect(byKey(staged([[a0], [b250], [a320, a100]]))).toEqual(byKey(inOrder));
    // without the hit in the gap: silent at 300, then a is tracked afresh from 320
    expect(sum(staged([[a0], [b250], [a320]]))).toEqual([
      ['a', 0, 0, 1, a0.id, 0],
      ['a', 320, 320, 1, a320.id, 0],
      ['b', 250, 250, 1, b250.id, 0],
    ]);
  });

  it('a source that comes back is tracked afresh and can go silent again', () => {
    const events = [at(0, 'a'), at(0, 'b'), ...[5, 10, 15].map((m) => at(m, 'b')), at(16, 'a'), ...[20, 25, 30, 35].map((m) => at(m, 'b'))];
    const alerts = run(detector(rs), events);
    expect(alerts.map((a) => [a.labels['cluster'], (a.lastTs - T0) / 60_000])).toEqual([
      ['a', 0],
      ['a', 16],
    ]);
  });

  it('at end of input, keys still active are not silent unless asked for (flush until +inf)', () => {
    expect(run(detector(rs), [at(0, 'a'), at(1, 'a')])).toHaveLength(0);
    expect(run(detector(rs), [at(0, 'a'), at(1, 'a')], 7, Number.POSITIVE_INFINITY)).toHaveLength(1);
  });
});

describe('sequence', () => {
  const steps = `sequence:\n  within: 2m\n  by: [sourceIp]\n  steps:\n    - {name: failures, condition: code = 401, count: 5}\n    - {name: success, condition: code = 200}`;
  const rs = ruleSet(rule('Guessed', 'code exists', steps));
  const fails = (ipAddr: string, from: number) => [0, 5, 10, 15, 20].map((s) => ev(from + s, { sourceIp: ipAddr, code: 401 }));

  it('401 x5 then 200 from the same IP fires, listing all six events', () => {
    const events = [...fails('9.9.9.9', 0), ev(30, { sourceIp: '9.9.9.9', code: 200 })];
    const alerts = run(detector(rs), events);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 6, firstTs: T0, lastTs: T0 + 30_000 });
    expect(alerts[0]!.eventIds).toEqual(events.map((e) => e.id));
  });

  it('a 200 from another IP does not', () => {
    expect(run(detector(rs), [...fails('9.9.9.9', 0), ev(30, { sourceIp: '8.8.8.8', code: 200 })])).toHaveLength(0);
  });

  it('outside `within` does not; a later window of failures still can', () => {
    expect(run(detector(rs), [...fails('9.9.9.9', 0), ev(150, { sourceIp: '9.9.9.9', code: 200 })])).toHaveLength(0);
    const slid = [...fails('9.9.9.9', 0), ...fails('9.9.9.9', 60), ev(150, { sourceIp: '9.9.9.9', code: 200 })];
    expect(run(detector(rs), slid)[0]).toMatchObject({ firstTs: T0 + 60_000, count: 6 });
  });

  it('order matters: the 200 before the failures does not complete it', () => {
    expect(run(detector(rs), [ev(0, { sourceIp: '9.9.9.9', code: 200 }), ...fails('9.9.9.9', 1)])).toHaveLength(0);
  });

  it('a step may name another rule', () => {
    const ref = `sequence:\n  within: 2m\n  by: [sourceIp]\n  steps:\n    - {rule: Unauthorized, count: 5}\n    - {condition: code = 200}`;
    const two = ruleSet(`${rule('Unauthorized', 'code = 401', 'enabled: false')}${rule('Guessed', 'code exists', ref)}`);
    const alerts = byKey(run(detector(two), [...fails('9.9.9.9', 0), ev(30, { sourceIp: '9.9.9.9', code: 200 })]));
    expect(alerts.map((a) => a.rule)).toEqual(['Guessed']);
  });
});
