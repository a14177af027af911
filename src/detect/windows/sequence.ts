/**
 * `sequence: {steps, within: D, by}` — ordered steps per key in event time: step i needs
 * `count` hits matching it after step i-1 completed, and the whole run (first hit to last) must
 * fit in D. Partial runs are tracked per (step, hits so far), keeping only the one that started
 * latest (it dominates: same progress, more time left), so a key holds at most sum(count) runs.
 * When a run completes, one alert fires (window start = the run's first hit) and the key's runs
 * are cleared: the next alert needs a whole new sequence.
 */
import type { SequenceSpec } from '../stateful.ts';
import { pushBounded, windowAlert } from './build.ts';
import { KeyedRuleState } from './keyed.ts';
import type { Emit, Hit, RuleWindow } from './types.ts';

interface Run {
  /** start: event time of the first hit */
  s: number;
  /** the step being matched */
  i: number;
  /** hits of step i so far */
  h: number;
  /** hits in the run */
  n: number;
  ids: string[];
  aids: string[];
}

interface State {
  runs: Run[];
  lt: number;
}

export class SequenceWindow extends KeyedRuleState<SequenceSpec, State> implements RuleWindow {
  readonly kind = 'sequence';
  /** per key: hits matching step 0 waiting in the detector's heap */
  private readonly queued = new Map<string, number>();


  /**
   * Can a hit of key `k` matching `steps` change anything when applied? Only if it can start a
   * run (step 0), or the key has runs, or a hit that may start one is queued before it.
   */
  mayAdvance(k: string, steps: readonly number[]): boolean {
    return steps.includes(0) || this.keys.get(k) !== undefined || this.queued.has(k);
  }

  /** The detector queued a hit of key `k` (counted when it can start a run). */
  noteQueued(k: string, steps: readonly number[] | undefined): void {
    if (steps?.includes(0)) this.queued.set(k, (this.queued.get(k) ?? 0) + 1);
  }

  /** The detector's queue was rebuilt: recount with noteQueued. */
  resetQueued(): void {
    this.queued.clear();
  }

  apply(h: Hit, emit: Emit): void {
    const matched = new Set(h.steps ?? []);
    if (matched.size === 0) return;
    const values = h.keys.sequence ?? [];
    const k = JSON.stringify(values);
    if (matched.has(0)) {
      const q = (this.queued.get(k) ?? 0) - 1;
      if (q > 0) this.queued.set(k, q);
      else this.queued.delete(k);
    }
    const t = h.ts;
    const steps = this.spec.steps;
    const st = this.keys.get(k);
    const live = (st?.runs ?? []).filter((r) => t - r.s <= this.spec.within);
    const advance = (r: Run): Run => {
      r.n++;
      r.h++;
      pushBounded(r.ids, h.id);
      pushBounded(r.aids, h.aid);
      if (r.h >= steps[r.i]!.count) {
        r.i++;
        r.h = 0;
      }
      return r;
    };
    const next = live.map((r) => (matched.has(r.i) ? advance(r) : r));
    if (matched.has(0)) next.push(advance({ s: t, i: 0, h: 0, n: 0, ids: [], aids: [] }));
    let done: Run | undefined;
    for (const r of next) if (r.i >= steps.length && (!done || r.s < done.s)) done = r;
    if (done) {
      this.keys.delete(k);
      emit(windowAlert(this.rule, 's', this.spec.by, values, done.s, h, { count: done.n, firstTs: done.s, lastTs: t, ids: done.ids, aids: done.aids }));
      return;
    }
    const best = new Map<string, Run>();
    for (const r of next) {
      const slot = `${r.i}:${r.h}`;
      const cur = best.get(slot);
      if (!cur || r.s > cur.s) best.set(slot, r);
    }
    if (best.size === 0) {
      if (st) this.keys.delete(k);
      return;
    }
    this.keys.put(k, { runs: [...best.values()], lt: t });
    this.next = Math.min(this.next, t + this.spec.within);
  }

  due(t: number): void {
    if (t <= this.next) return;
    let e = this.keys.first();
    for (; e && t - e[1].lt > this.spec.within; e = this.keys.first()) this.keys.delete(e[0]);
    this.next = e ? e[1].lt + this.spec.within : Number.POSITIVE_INFINITY;
  }

  dump(): unknown {
    return this.keys.dump();
  }

  load(state: unknown): void {
    this.keys.load(state);
    this.next = Number.NEGATIVE_INFINITY;
  }
}
