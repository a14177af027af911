/**
 * `dedupe: {window: D, by}` — the first alert of a rule for a key goes out and opens a window
 * [t, t + D) of event time; further alerts of the key inside it are suppressed and counted.
 * When the window closes (event time reaches its end) one summary alert goes out, but only when
 * the suppressed alerts brought new requests (auditIDs, or event ids for events without one) that
 * the first alert did not cite: a second stage of an already reported request is no news.
 * The summary cites only those new requests (so every request is cited by exactly one alert):
 * its count, ids, firstTs and lastTs cover the repeats that added requests, `suppressed` = how
 * many they were.
 *
 * Late alerts (a rule whose only state is dedupe alerts on late matches too) are offered at once:
 * a window they fall in absorbs them; otherwise they open a window that closes no earlier than
 * the windows opened before it, so windows still close in the order they were opened.
 */
import type { Alert } from '../alert.ts';
import type { DedupeSpec } from '../stateful.ts';
import { alertKeyOf, pushBounded } from './build.ts';
import { KeyedRuleState } from './keyed.ts';
import type { Emit } from './types.ts';
import { MAX_IDS } from './types.ts';

interface State {
  start: number;
  /** when the window closes (start + D, or later for a window opened late) */
  close?: number;
  /** suppressed repeats that cited a request the window had not seen */
  n: number;
  /** all suppressed repeats */
  all?: number;
  /** of the repeats that added requests: total count, first and last event time */
  count: number;
  firstTs?: number;
  lastTs: number;
  ids: string[];
  aids: string[];
  /** requests cited so far in the window (bounded) */
  reqs?: string[];
  values: string[];
  first: Alert;
}

/** The requests an alert cites: its auditIDs, or its event ids when it has none. */
function requestsOf(a: Alert): readonly string[] {
  return a.auditIds.length > 0 ? a.auditIds : a.eventIds;
}

export class DedupeFilter extends KeyedRuleState<DedupeSpec, State> {
  /** the latest close time of an open window (windows close in the order they open) */
  private lastClose = Number.NEGATIVE_INFINITY;

  private closeOf(st: State): number {
    return st.close ?? st.start + this.spec.window;
  }

  /**
   * The alert to send, or undefined when it repeats one sent in the open window (at = event time).
   * A window of the key that `at` is past but that has not closed yet (one opened late closes
   * later) is closed first: its summary goes to `emit`.
   */
  offer(a: Alert, values: string[], at: number, emit: Emit): Alert | undefined {
    const k = JSON.stringify(values);
    const st = this.keys.get(k);
    if (st && at < st.start + this.spec.window) {
      st.all = (st.all ?? 0) + 1;
      const reqs = (st.reqs ??= []);
      let fresh = false;
      for (const r of requestsOf(a)) {
        if (reqs.includes(r)) continue;
        fresh = true;
        if (reqs.length < MAX_IDS * 10) reqs.push(r);
      }
      if (!fresh) return undefined;
      st.n++;
      st.count += a.count;
      st.firstTs = Math.min(st.firstTs ?? a.firstTs, a.firstTs);
      st.lastTs = Math.max(st.lastTs, a.lastTs);
      for (const id of a.eventIds) pushBounded(st.ids, id);
      for (const id of a.auditIds) pushBounded(st.aids, id);
      return undefined;
    }
    if (st) {
      this.keys.delete(k);
      this.summarize(st, emit);
    }
    const close = Math.max(at + this.spec.window, this.lastClose);
    this.lastClose = close;
    const reqs = [...requestsOf(a)];
    this.keys.put(k, { start: at, close, n: 0, count: 0, lastTs: Number.NEGATIVE_INFINITY, ids: [], aids: [], reqs, values, first: a });
    this.next = Math.min(this.next, close);
    return a;
  }

  /** Windows close in the order they were opened. */
  due(t: number, emit: Emit): void {
    if (t < this.next) return;
    for (let e = this.keys.first(); e && this.closeOf(e[1]) <= t; e = this.keys.first()) {
      this.keys.delete(e[0]);
      this.summarize(e[1], emit);
    }
    const f = this.keys.first();
    this.next = f ? this.closeOf(f[1]) : Number.POSITIVE_INFINITY;
  }

  private summarize(st: State, emit: Emit): void {
    if (st.n === 0) return;
    emit({
        ...st.first,
        title: `${st.first.title} (repeated ${st.n} more time${st.n === 1 ? '' : 's'})`,
        count: st.count,
        firstTs: st.firstTs ?? st.first.firstTs,
        lastTs: st.lastTs,
        eventIds: st.ids,
        auditIds: st.aids,
        alertKey: alertKeyOf(this.rule.id, 'd', st.values, st.start),
        suppressed: st.n,
      });
  }

  dump(): unknown {
    return this.keys.dump();
  }

  load(state: unknown): void {
    this.keys.load(state);
    let last = Number.NEGATIVE_INFINITY;
    for (const st of this.keys.map.values()) last = Math.max(last, this.closeOf(st));
    this.lastClose = last;
    this.next = Number.NEGATIVE_INFINITY;
  }
}
