import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../core/index.ts';
import { isArgusError } from '../../core/index.ts';
import { alertToLogEvent } from '../alert.ts';
import { byKey, detector, ev, rule, ruleSet, run, shuffle, T0 } from './fixture.ts';

const SEQ = `sequence:\n  within: 2m\n  by: [sourceIp]\n  steps:\n    - {condition: code = 401, count: 5}\n    - {condition: code = 200}`;
const RULES = [
  rule('Brute', 'code = 401', 'threshold: {count: 4, window: 1m, by: [sourceIp]}'),
  rule('Guessed', 'code exists', SEQ),
  rule('Silent', 'source = http', 'absence: {for: 5m, by: [cluster]}'),
  rule('Denied', 'code = 403', 'dedupe: {window: 2m, by: [sourceIp]}'),
  rule('Server error', 'code = 500', ''),
].join('');

/** 30 minutes of mixed traffic from 3 IPs in 2 clusters, in event-time order. */
function traffic(): LogEvent[] {
  const out: LogEvent[] = [];
  const codes = [401, 401, 200, 403, 401, 500, 401, 401, 200, 403, 200];
  for (let s = 0; s < 1800; s += 3) {
    const i = s / 3;
    const cluster = s < 600 && i % 2 === 0 ? 'b' : 'a'; // cluster b falls silent after 10 minutes
    out.push(ev(s, { sourceIp: `10.0.0.${i % 3}`, code: codes[(i * 7) % codes.length]!, cluster }));
  }
  return out;
}

/** Arrival order: each event delayed by up to 25s (lateness is 1m), so nothing is late. */
function jittered(events: LogEvent[], seed: number): LogEvent[] {
  const delay = shuffle(events.map((_, i) => (i * 7919) % 25_000), seed);
  return events.map((e, i) => ({ e, at: e.ts + delay[i]! })).sort((a, b) => a.at - b.at).map((x) => x.e);
}

describe('late and out-of-order events', () => {
  const rs = ruleSet(RULES);
  const events = traffic();
  const ordered = byKey(run(detector(rs), events));

  it('the traffic exercises every kind', () => {
    expect(new Set(ordered.map((a) => a.rule))).toEqual(new Set(['Brute', 'Guessed', 'Silent', 'Denied', 'Server error']));
  });

  it('shuffled within the allowed lateness: the same alerts, whatever the batching', () => {
    for (const seed of [1, 2, 3]) {
      const d = detector(rs);
      expect(byKey(run(d, jittered(events, seed), seed * 13))).toEqual(ordered);
      expect(d.stats().lateDropped).toBe(0);
    }
  });

  it('beyond the lateness: counted as lateDropped and not applied', () => {
    const d = detector(ruleSet(RULES), { allowedLateness: '30s' });
    const early = [0, 10, 20].map((s) => ev(s, { sourceIp: '7.7.7.7', code: 401 }));
    const alerts = [...d.process(early), ...d.process([ev(100, { sourceIp: '1.1.1.1', code: 200 })])];
    alerts.push(...d.process([ev(30, { sourceIp: '7.7.7.7', code: 401 })])); // 30 <= 100 - 30: late
    alerts.push(...d.flush());
    expect(alerts.filter((a) => a.rule === 'Brute')).toHaveLength(0);
    expect(d.stats().lateDropped).toBe(1);
  });
});

describe('restart in the middle of a window', () => {
  const rs = ruleSet(RULES);
  const burst = [0, 10, 20, 30, 40, 50].map((s) => ev(s, { sourceIp: '5.5.5.5', code: 401 }));
  const reference = run(detector(rs), burst);

  it('snapshot -> new detector -> restore -> rest of the window: exactly the same one alert', () => {
    const a = detector(rs);
    const before = a.process(burst.slice(0, 3));
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as unknown;
    const b = detector(ruleSet(RULES));
    b.restore(snap);
    const after = run(b, burst.slice(3));
    expect([...before, ...after]).toEqual(reference);
    expect(reference.filter((x) => x.rule === 'Brute')).toHaveLength(1);
  });

  it('replay after a crash re-produces the alert with the same alertKey', () => {
    const live = detector(rs, { allowedLateness: 0 });
    live.process(burst.slice(0, 2));
    const snap = live.snapshot();
    const sent = live.process(burst.slice(2)); // alert stored, then the process dies
    const replay = detector(rs, { allowedLateness: 0 });
    replay.restore(snap);
    const again = replay.process(burst.slice(2));
    expect(sent.map((x) => x.alertKey)).toEqual(again.map((x) => x.alertKey));
    expect(sent.length).toBeGreaterThan(0);
  });

  it('a sequence whose first steps are still queued at the snapshot completes after restore', () => {
    const steps = [0, 10, 20, 30, 40].map((s) => ev(s, { sourceIp: '8.8.8.8', code: 401 }));
    const done = ev(50, { sourceIp: '8.8.8.8', code: 200 });
    const ref = run(detector(rs), [...steps, done]).filter((x) => x.rule === 'Guessed');
    expect(ref).toHaveLength(1);
    const a = detector(rs);
    a.process(steps); // all still waiting for the watermark
    const b = detector(ruleSet(RULES));
    b.restore(JSON.parse(JSON.stringify(a.snapshot())) as unknown);
    expect(run(b, [done]).filter((x) => x.rule === 'Guessed')).toEqual(ref);
  });

  it('rejects what is not a snapshot', () => {
    expect(() => detector(rs).restore({ v: 2 })).toThrow(/snapshot/);
  });
});

describe('bounded state', () => {
  it('evicts the least recently applied key past maxKeysPerRule and counts it', () => {
    const rs = ruleSet(rule('Brute', 'code = 401', 'threshold: {count: 2, window: 1m, by: [sourceIp]}'));
    const d = detector(rs, { maxKeysPerRule: 2 });
    const ips = ['1.1.1.1', '2.2.2.2', '3.3.3.3', '1.1.1.1'];
    const alerts = run(d, ips.map((sourceIp, i) => ev(i, { sourceIp, code: 401 })));
    expect(alerts).toHaveLength(0); // 1.1.1.1's first hit was evicted by 3.3.3.3
    expect(d.stats()).toMatchObject({ evictions: 2, rules: { brute: { evictions: 2 } } });
  });
});

describe('hot swap', () => {
  const v1 = rule('Brute', 'code = 401', 'threshold: {count: 4, window: 1m, by: [sourceIp]}');
  const hits = [0, 10, 20, 30].map((s) => ev(s, { sourceIp: '6.6.6.6', code: 401 }));

  it('keeps the state of rules whose id and stateful spec are unchanged', () => {
    const d = detector(ruleSet(v1), { allowedLateness: 0 });
    d.process(hits.slice(0, 2));
    d.swapRules(ruleSet(v1.replace('from %sourceIp', 'by %sourceIp')));
    const alerts = run(d, hits.slice(2));
    expect(alerts.map((a) => [a.title, a.count])).toEqual([['Brute by 6.6.6.6', 4]]);
  });

  it('starts afresh when the spec changed', () => {
    const d = detector(ruleSet(v1), { allowedLateness: 0 });
    d.process(hits.slice(0, 2));
    d.swapRules(ruleSet(v1.replace('count: 4', 'count: 3')));
    expect(run(d, hits.slice(2))).toHaveLength(0);
  });
});

describe('alerts as events', () => {
  it('alertToLogEvent: source alert, severity, attrs record, where-from columns, dedupKey', () => {
    const rs = ruleSet(rule('Brute', 'code = 401', 'author: Jane\nthreshold: {count: 2, window: 1m, by: [sourceIp]}'));
    const [a] = run(detector(rs), [0, 1].map((s) => ev(s, { sourceIp: '1.1.1.1', code: 401, cluster: 'prod', namespace: 'shop', user: 'bob' })));
    const e = alertToLogEvent(a!);
    expect(e).toMatchObject({ source: 'alert', severityNumber: 13, message: 'Brute from 1.1.1.1', cluster: 'prod', namespace: 'shop', user: 'bob', ts: T0 + 1000 });
    expect(e.dedupKey).toBe(`alert:${a!.alertKey}`);
    expect(e.attrs).toMatchObject({ rule: 'Brute', ruleId: 'brute', severity: 13, count: 2, firstTs: T0, author: 'Jane', eventIds: a!.eventIds });
  });
});

describe('stateful rule errors carry file:line:column', () => {
  const err = (extra: string, more = ''): string => {
    try {
      ruleSet(more + rule('R', 'code exists', extra));
    } catch (e) {
      if (isArgusError(e) && e.code === 'BAD_RULE') return e.message;
      throw e;
    }
    return 'loaded';
  };
  it('reports bad steps, unknown rule refs, bad step conditions and old keys', () => {
    expect(err('sequence: {within: 1m, steps: [{condition: a = b, rule: X}, {rule: X}]}')).toMatch(/^r0\.yaml:7:13: sequence\.steps\.0: a step needs exactly one/);
    expect(err('sequence: {within: 1m, steps: [{rule: Nope}, {condition: code = 1}]}')).toMatch(/sequence\.steps\.0\.rule: no rule named 'Nope'/);
    expect(err('sequence:\n  within: 1m\n  steps:\n    - condition: code = 1\n    - condition: code = = 2')).toMatch(/^r0\.yaml:11:27: /);
    expect(err('absence: {window: 5m}')).toMatch(/absence/);
    expect(err('threshold: {count: 2, window: 0s}')).toMatch(/positive duration/);
  });
});

describe('README', () => {
  it('the stateful examples load', () => {
    const md = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const yaml = /## Stateful rules[\s\S]*?```yaml\n([\s\S]*?)```/.exec(md)![1]!;
    const login = rule('Successful login', 'code = 200', '').replace('source: http', 'source: k8s_audit');
    const rs = ruleSet(login + yaml);
    expect(rs.rules.map((r) => Object.keys(r.stateful).join('+'))).toEqual(['', 'threshold+dedupe', 'absence', 'sequence']);
  });
});
