/**
 * `dedupe: {window: D, by}` — the first alert of a rule for a key goes out and opens a window
 * [t, t + D) of event time; further alerts of the key inside it are suppressed and counted.
 * When the window closes (event time reaches t + D) and something was suppressed, one summary
 * alert goes out: count, ids and lastTs cover the whole window, `suppressed` = repeats.
 */
import type { Alert } from '../alert.ts';
import type { DedupeSpec } from '../stateful.ts';
import { alertKeyOf, pushBounded } from './build.ts';
import { KeyedRuleState } from './keyed.ts';
import type { Emit } from './types.ts';

interface State {
  start: number;
  /** suppressed repeats */
  n: number;
  count: number;
  lastTs: number;
  ids: string[];
  aids: string[];
  values: string[];
  first: Alert;
}

export class DedupeFilter extends KeyedRuleState<DedupeSpec, State> {


  /** The alert to send, or undefined when it repeats one sent in the open window (at = event time). */
  offer(a: Alert, values: string[], at: number): Alert | undefined {
    const k = JSON.stringify(values);
    const st = this.keys.get(k);
    if (st && at < st.start + this.spec.window) {
      st.n++;
      st.count += a.count;
      st.lastTs = Math.max(st.lastTs, a.lastTs);
      for (const id of a.eventIds) pushBounded(st.ids, id);
      for (const id of a.auditIds) pushBounded(st.aids, id);
      return undefined;
    }
    this.keys.put(k, { start: at, n: 0, count: a.count, lastTs: a.lastTs, ids: [...a.eventIds], aids: [...a.auditIds], values, first: a });
    this.next = Math.min(this.next, at + this.spec.window);
    return a;
  }

  /** Windows open in event-time order, so they close in that order too. */
  due(t: number, emit: Emit): void {
    if (t < this.next) return;
    for (let e = this.keys.first(); e && e[1].start + this.spec.window <= t; e = this.keys.first()) {
      const [k, st] = e;
      this.keys.delete(k);
      if (st.n === 0) continue;
      emit({
        ...st.first,
        title: `${st.first.title} (repeated ${st.n} more time${st.n === 1 ? '' : 's'})`,
        count: st.count,
        lastTs: st.lastTs,
        eventIds: st.ids,
        auditIds: st.aids,
        alertKey: alertKeyOf(this.rule.id, 'd', st.values, st.start),
        suppressed: st.n,
      });
    }
    const f = this.keys.first();
    this.next = f ? f[1].start + this.spec.window : Number.POSITIVE_INFINITY;
  }

  dump(): unknown {
    return this.keys.dump();
  }

  load(state: unknown): void {
    this.keys.load(state);
    this.next = Number.NEGATIVE_INFINITY;
  }
}
