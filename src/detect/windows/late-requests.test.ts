/**
 * One alert per request, and late events: batches delivered up to 10 minutes out of order, with
 * hour-long exec sessions whose ResponseStarted and ResponseComplete stages are an hour apart.
 */
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../core/index.ts';
import type { Alert } from '../alert.ts';
import { detector, ev, rule, ruleSet, shuffle } from './fixture.ts';

const RULES = [
  rule('Exec', 'message = exec', ''),
  rule('Exec dedupe', 'message = exec', 'dedupe: {window: 10m, by: [sourceIp]}'),
  rule('Brute', 'code = 401', 'threshold: {count: 3, window: 1m, by: [sourceIp]}'),
].join('');

const stage = (sec: number, auditId: string, s: string, patch: Partial<LogEvent>) => ev(sec, { auditId, attrs: { stage: s }, ...patch });

/** 2 hours of traffic: an exec request every 50 s (every 4th lasts an hour), 401s, 200s. */
function traffic(): { events: LogEvent[]; execs: Set<string> } {
  const events: LogEvent[] = [];
  const execs = new Set<string>();
  let n = 0;
  for (let s = 0; s < 7200; s += 5) {
    const ip = `10.0.0.${(s / 5) % 4}`;
    if (s % 50 === 0) {
      const id = `exec-${n++}`;
      execs.add(id);
      const long = n % 4 === 0;
      events.push(stage(s, id, 'ResponseStarted', { message: 'exec', sourceIp: ip, code: 101 }));
      events.push(stage(s + (long ? 3600 : 2), id, 'ResponseComplete', { message: 'exec', sourceIp: ip, code: 101 }));
    } else events.push(ev(s, { code: s % 3 === 0 ? 401 : 200, sourceIp: ip }));
  }
  return { events, execs };
}

/** One-minute batches (by event time), each delivered up to 10 minutes after its minute. */
function outOfOrder(events: LogEvent[], seed: number): LogEvent[][] {
  const byMinute = new Map<number, LogEvent[]>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    const m = Math.floor(e.ts / 60_000);
    (byMinute.get(m) ?? byMinute.set(m, []).get(m)!).push(e);
  }
  const minutes = [...byMinute.keys()];
  const delay = shuffle(minutes.map((_, i) => (i * 7919) % 600_000), seed);
  return minutes
    .map((m, i) => ({ at: m * 60_000 + delay[i]!, batch: byMinute.get(m)! }))
    .sort((a, b) => a.at - b.at)
    .map((x) => x.batch);
}

const cited = (alerts: Alert[], rule: string) => alerts.filter((a) => a.rule === rule).flatMap((a) => a.auditIds);

describe('batches up to 10 minutes out of order, hour-long exec requests', () => {
  const { events, execs } = traffic();
  const rs = ruleSet(RULES);

  for (const seed of [1, 2, 3]) {
    it(`every request alerts exactly once; late_dropped counts only the window rule (seed ${seed})`, () => {
      const d = detector(rs);
      const batches = outOfOrder(events, seed);
      const alerts: Alert[] = [];
      for (const b of batches) alerts.push(...d.process(b));
      alerts.push(...d.flush());
      // the oracle: an event is late when it is at or behind (newest event time so far - 1m)
      let newest = Number.NEGATIVE_INFINITY;
      let lateBrute = 0;
      let lateAny = 0;
      for (const b of batches) {
        for (const e of b) {
          if (e.ts <= newest - 60_000) {
            lateAny++;
            if (e.code === 401) lateBrute++;
          }
          newest = Math.max(newest, e.ts);
        }
      }
      expect(lateAny).toBeGreaterThan(lateBrute); // exec stages arrive late too
      expect(lateBrute).toBeGreaterThan(0);

      const exec = cited(alerts, 'Exec');
      const missing = [...execs].filter((x) => !exec.includes(x));
      expect(missing).toEqual([]);
      expect(exec.length).toBe(execs.size); // one alert per request, not per stage
      expect(new Set(exec)).toEqual(execs);
      const deduped = cited(alerts, 'Exec dedupe');
      expect(deduped.length).toBe(execs.size); // first alerts + summaries cite each request once
      expect(new Set(deduped)).toEqual(execs);
      expect(d.stats().lateDropped).toBe(lateBrute);
      expect(d.stats().lateAccepted).toBeGreaterThan(0);
      expect(d.stats().stageRepeats).toBeGreaterThan(0);
    });
  }

  it('the request memory is bounded; evictions are counted', () => {
    const d = detector(rs, { maxRequests: 10 });
    for (let i = 0; i < 30; i++) d.process([stage(i, `r${i}`, 'ResponseStarted', { message: 'exec' })]);
    d.flush();
    expect(d.stats()).toMatchObject({ requests: 10, requestEvictions: 50 }); // 2 rules x 30 requests, 10 kept
  });
});

describe('lateness per source', () => {
  const rs = ruleSet(rule('Brute', 'code = 401', 'threshold: {count: 3, window: 1m, by: [sourceIp]}'));

  it("one cluster's newer events do not make another cluster's events late", () => {
    const d = detector(rs);
    const alerts = d.process([ev(470, { cluster: 'busy', code: 200 }), ev(470, { cluster: 'b', code: 200 })]);
    alerts.push(...d.process([600, 601, 602].map((s) => ev(s, { cluster: 'busy', code: 200 }))));
    // cluster b is 2 minutes behind (within the 5m skew): its burst is on time for cluster b
    alerts.push(...d.process([480, 481, 482].map((s) => ev(s, { cluster: 'b', code: 401, sourceIp: '9.9.9.9' }))));
    alerts.push(...d.flush());
    expect(alerts.map((a) => a.rule)).toEqual(['Brute']);
    expect(d.stats()).toMatchObject({ lateDropped: 0, sources: 2 });
  });

  it("an out-of-order batch of one source is late for that source only", () => {
    const d = detector(rs);
    d.process([ev(600, { cluster: 'a', code: 200 }), ev(590, { cluster: 'b', code: 200 })]);
    const alerts = d.process([500, 501, 502].map((s) => ev(s, { cluster: 'a', code: 401 })));
    alerts.push(...d.flush());
    expect(alerts).toHaveLength(0);
    expect(d.stats().lateDropped).toBe(3);
  });

  it('a source trailing by more than maxSourceSkew stops holding the others back', () => {
    const d = detector(rs, { maxSourceSkew: '5m' });
    d.process([ev(0, { cluster: 'quiet', code: 200 })]);
    d.process([ev(1000, { cluster: 'a', code: 200 })]);
    expect(d.stats().watermark).toBe(Date.parse('2026-01-01T00:00:00Z') + 940_000);
  });
});

describe('request memory across a restart', () => {
  it('a stage that comes after snapshot + restore gives no second alert', () => {
    const rs = ruleSet(rule('Exec', 'message = exec', ''));
    const a = detector(rs);
    expect(a.process([stage(0, 'x', 'ResponseStarted', { message: 'exec' })])).toHaveLength(1);
    const b = detector(rs);
    b.restore(JSON.parse(JSON.stringify(a.snapshot())) as unknown);
    expect(b.process([stage(3600, 'x', 'ResponseComplete', { message: 'exec' })])).toHaveLength(0);
    expect(b.process([stage(3601, 'y', 'ResponseComplete', { message: 'exec' })])).toHaveLength(1);
  });
});
