/**
 * `absence: {for: D, by}` — a key that was seen (a hit of the rule) and then has no hit for D of
 * event time fires once: "went silent". Precisely, with `last` its latest hit, the alert fires
 * when event time (the watermark, or the next hit of any key) reaches `last + D` with no hit of
 * the key in between; the key is then forgotten, and a key that comes back is tracked afresh.
 */
import type { RuleInfo } from '../ruleset.ts';
import type { AbsenceSpec } from '../stateful.ts';
import { windowAlert } from './build.ts';
import { Keyed } from './keyed.ts';
import type { Emit, Hit, RuleWindow } from './types.ts';

interface State {
  /** first hit since the key was (re)seen */
  first: number;
  /** last hit */
  last: number;
  n: number;
  /** the last hit, for the alert's title, labels and ids */
  hit: Hit;
}

export class AbsenceWindow implements RuleWindow {
  readonly kind = 'absence';
  rule: RuleInfo;
  private readonly spec: AbsenceSpec;
  private readonly keys: Keyed<State>;
  /** a lower bound of the earliest deadline (the first key's; first keys only get later) */
  private next = Number.NEGATIVE_INFINITY;

  constructor(rule: RuleInfo, spec: AbsenceSpec, maxKeys: number) {
    this.rule = rule;
    this.spec = spec;
    this.keys = new Keyed(maxKeys);
  }

  get size(): number {
    return this.keys.size;
  }

  get evictions(): number {
    return this.keys.evictions;
  }

  apply(h: Hit): void {
    const k = JSON.stringify(h.keys.absence ?? []);
    const st = this.keys.get(k);
    this.keys.put(k, { first: st?.first ?? h.ts, last: h.ts, n: (st?.n ?? 0) + 1, hit: h });
    this.next = Math.min(this.next, h.ts + this.spec.for);
  }

  /** Keys are in order of their last hit, so the deadlines come out in order too. */
  due(t: number, emit: Emit): void {
    if (t < this.next) return;
    for (let e = this.keys.first(); e && e[1].last + this.spec.for <= t; e = this.keys.first()) {
      const [k, st] = e;
      this.keys.delete(k);
      const values = st.hit.keys.absence ?? [];
      emit(windowAlert(this.rule, 'a', this.spec.by, values, st.last, st.hit, {
        count: st.n,
        firstTs: st.first,
        lastTs: st.last,
        ids: [st.hit.id],
        aids: st.hit.aid ? [st.hit.aid] : [],
      }));
    }
    const f = this.keys.first();
    this.next = f ? f[1].last + this.spec.for : Number.POSITIVE_INFINITY;
  }

  dump(): unknown {
    return this.keys.dump();
  }

  load(state: unknown): void {
    this.keys.load(state);
    this.next = Number.NEGATIVE_INFINITY;
  }
}
