/**
 * `absence: {for: D, by}` — a key that was seen (a hit of the rule) and then has no hit for D of
 * event time fires once: "went silent". Precisely, with `last` its latest hit, the alert fires
 * when event time (the watermark, or the next hit of any key) reaches `last + D` with no hit of
 * the key in between; the key is then forgotten, and a key that comes back is tracked afresh.
 *
 * Fast path (`touch`): only the latest hit per key matters, so a hit of a tracked key that lands
 * before its deadline (ts < last + D, and above the watermark) updates the key at arrival —
 * last = max, n + 1 — instead of waiting in the detector's heap: the result does not depend on
 * the order such hits arrive in. Other hits (new keys, hits at or past a deadline) go through the
 * heap (`apply`). The latest hit's title and labels are rendered only when the alert fires (or
 * on snapshot): the key keeps a reference to that event, which must not be mutated meanwhile.
 */
import type { LogEvent } from '../../core/index.ts';
import type { AbsenceSpec } from '../stateful.ts';
import { windowAlert } from './build.ts';
import { KeyedRuleState } from './keyed.ts';
import type { Emit, Hit, RuleWindow } from './types.ts';

interface State {
  /** first hit since the key was (re)seen */
  first: number;
  /** the latest hit: (last, ns, id) is the max over the key's hits */
  last: number;
  n: number;
  ns: number;
  id: string;
  values: string[];
  /** the latest hit, rendered; or, until rendered, its event */
  hit?: Hit;
  ev?: LogEvent;
}

/** The stored (snapshot) form. */
interface Stored {
  first: number;
  last: number;
  n: number;
  hit: Hit;
}

export type HitRenderer = (ev: LogEvent) => Pick<Hit, 'title' | 'labels'>;

const later = (ts: number, ns: number, id: string, st: State): boolean =>
  ts !== st.last ? ts > st.last : ns !== st.ns ? ns > st.ns : id > st.id;

export class AbsenceWindow extends KeyedRuleState<AbsenceSpec, State> implements RuleWindow {
  readonly kind = 'absence';
  /** renders a hit of this rule for an event evaluated earlier (set by the detector) */
  render: HitRenderer = () => {
    throw new Error('absence window: no renderer');
  };


  /** the last key touched (keys repeat: one cluster, a few nodes) */
  private lastValues: string[] = [];
  private lastKey = '[]';

  /** Fast path for a hit (its `by` values) above the watermark; false when it must go through the heap. */
  touch(vals: string[], ev: LogEvent): boolean {
    let values = vals;
    const prev = this.lastValues;
    if (values.length === prev.length && values.every((v, i) => v === prev[i])) values = prev;
    else {
      this.lastValues = values;
      this.lastKey = JSON.stringify(values);
    }
    const k = this.lastKey;
    const st = this.keys.get(k);
    const ts = ev.ts;
    if (!st || ts >= st.last + this.spec.for) return false;
    st.n++;
    const ns = ev.tsNanos ?? 0;
    if (later(ts, ns, ev.id, st)) {
      st.last = ts;
      st.ns = ns;
      st.id = ev.id;
      st.values = values;
      st.ev = ev;
      st.hit = undefined;
      this.keys.put(k, st);
    }
    return true;
  }

  apply(h: Hit): void {
    const values = h.keys.absence ?? [];
    const k = JSON.stringify(values);
    const st = this.keys.get(k);
    if (!st) {
      this.keys.put(k, { first: h.ts, last: h.ts, n: 1, ns: h.ns, id: h.id, values, hit: h });
      this.next = Math.min(this.next, h.ts + this.spec.for);
      return;
    }
    st.n++;
    if (later(h.ts, h.ns, h.id, st)) {
      st.last = h.ts;
      st.ns = h.ns;
      st.id = h.id;
      st.values = values;
      st.hit = h;
      st.ev = undefined;
      this.keys.put(k, st);
    }
  }

  /** Fires every key whose deadline is <= t, in order of their latest hit. */
  due(t: number, emit: Emit): void {
    if (t < this.next) return;
    const D = this.spec.for;
    const fired: [string, State][] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.keys.map) {
      const d = e[1].last + D;
      if (d <= t) fired.push(e);
      else if (d < next) next = d;
    }
    fired.sort((a, b) => (later(a[1].last, a[1].ns, a[1].id, b[1]) ? 1 : -1));
    for (const [k, st] of fired) {
      this.keys.delete(k);
      const hit = this.settle(st);
      // no event is evidence of a silence: the last one seen goes in lastSeen, not in the ids
      const a = windowAlert(this.rule, 'a', this.spec.by, st.values, st.last, hit, { count: st.n, firstTs: st.first, lastTs: st.last, ids: [], aids: [] });
      a.lastSeen = { ts: st.last, eventId: hit.id, ...(hit.aid ? { auditId: hit.aid } : {}) };
      emit(a);
    }
    this.next = next;
  }

  /** Renders every pending latest hit (before the rules change). */
  settleAll(): void {
    for (const st of this.keys.map.values()) this.settle(st);
  }

  private settle(st: State): Hit {
    if (st.hit) return st.hit;
    const ev = st.ev!;
    const { title, labels } = this.render(ev);
    const h: Hit = { r: this.rule.id, ts: st.last, ns: st.ns, id: st.id, title, labels, keys: { absence: st.values } };
    if (ev.auditId) h.aid = ev.auditId;
    if (ev.dedupKey) h.dk = ev.dedupKey;
    st.hit = h;
    st.ev = undefined;
    return h;
  }

  dump(): unknown {
    const entries: [string, Stored][] = [];
    for (const [k, st] of this.keys.map) entries.push([k, { first: st.first, last: st.last, n: st.n, hit: this.settle(st) }]);
    return { entries, evictions: this.keys.evictions };
  }

  load(state: unknown): void {
    const s = state as { entries?: [string, Stored][]; evictions?: number } | undefined;
    const entries = (s?.entries ?? []).map(([k, v]): [string, State] => [
      k,
      { first: v.first, last: v.last, n: v.n, ns: v.hit.ns, id: v.hit.id, values: v.hit.keys.absence ?? [], hit: v.hit },
    ]);
    this.keys.load({ entries, evictions: s?.evictions ?? 0 });
    this.next = Number.NEGATIVE_INFINITY;
  }
}
