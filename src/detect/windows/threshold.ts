/**
 * `threshold: {count: N, window: W, by}` — a sliding window in event time per key: the alert
 * fires on the hit that makes N hits fall within W (every hit in (t - W, t]). That opens an
 * episode [first, first + W): later hits of the key inside it are absorbed (no second alert);
 * the first hit at or after its end starts counting afresh. At most one alert per key per W.
 */
import type { ThresholdSpec } from '../stateful.ts';
import { windowAlert } from './build.ts';
import { KeyedRuleState } from './keyed.ts';
import type { Emit, Hit, RuleWindow } from './types.ts';

interface State {
  /** event times of the hits in the window, ascending */
  ts: number[];
  ids: string[];
  aids: string[];
  /** last applied hit time */
  lt: number;
  /** end of the current episode, when one is open */
  ep?: number;
  /** hits absorbed by the open episode */
  absorbed?: number;
}

export class ThresholdWindow extends KeyedRuleState<ThresholdSpec, State> implements RuleWindow {
  readonly kind = 'threshold';


  apply(h: Hit, emit: Emit): void {
    const values = h.keys.threshold ?? [];
    const k = JSON.stringify(values);
    const t = h.ts;
    const { count, window } = this.spec;
    let st = this.keys.get(k);
    if (st?.ep !== undefined && t < st.ep) {
      st.absorbed = (st.absorbed ?? 0) + 1;
      st.lt = t;
      this.keys.put(k, st);
      this.next = Math.min(this.next, t + window);
      return;
    }
    if (!st || st.ep !== undefined) st = { ts: [], ids: [], aids: [], lt: t };
    st.ts.push(t);
    st.ids.push(h.id);
    st.aids.push(h.aid ?? '');
    let drop = 0;
    while (drop < st.ts.length && st.ts[drop]! <= t - window) drop++;
    if (drop > 0) {
      st.ts.splice(0, drop);
      st.ids.splice(0, drop);
      st.aids.splice(0, drop);
    }
    st.lt = t;
    if (st.ts.length >= count) {
      const start = st.ts[0]!;
      emit(windowAlert(this.rule, 't', this.spec.by, values, start, h, {
        count: st.ts.length,
        firstTs: start,
        lastTs: t,
        ids: st.ids,
        aids: st.aids.filter((a) => a !== ''),
      }));
      st = { ts: [], ids: [], aids: [], lt: t, ep: start + window, absorbed: 0 };
    }
    this.keys.put(k, st);
    this.next = Math.min(this.next, t + window);
  }

  due(t: number): void {
    if (t < this.next) return;
    let e = this.keys.first();
    for (; e && e[1].lt <= t - this.spec.window; e = this.keys.first()) this.keys.delete(e[0]);
    this.next = e ? e[1].lt + this.spec.window : Number.POSITIVE_INFINITY;
  }

  dump(): unknown {
    return this.keys.dump();
  }

  load(state: unknown): void {
    this.keys.load(state);
    this.next = Number.NEGATIVE_INFINITY;
  }
}
