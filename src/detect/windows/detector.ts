/**
 * The stateful detector: wraps a RuleSet and evaluates `threshold`, `absence`, `sequence` and
 * `dedupe` in event time (see ../README.md "Stateful rules" for the semantics).
 *
 * Watermark W = max(max event ts seen - allowedLateness, last tick(now) - allowedLateness).
 * A stateful match is turned into a Hit when its event arrives and waits in a heap until W
 * reaches its ts; hits are then applied in (ts, tsNanos, id, rule order) order, with every
 * window deadline (absence, dedupe close) <= a hit's ts fired before that hit. An event with
 * ts <= W when it arrives is late: not applied to windows (counted in `lateDropped`). So any arrival
 * order in which no event is late gives the same alerts, and replaying the same events gives
 * the same alertKeys. Stateless rules alert immediately, one alert per match.
 */
import type { LogEvent } from '../../core/index.ts';
import { ArgusError, parseDuration } from '../../core/index.ts';
import type { Alert } from '../alert.ts';
import { alertFromMatch } from '../alert.ts';
import type { RuleHandle, RuleSet } from '../ruleset.ts';
import { AbsenceWindow } from './absence.ts';
import { arrive, hitRenderer, recountQueued } from './arrive.ts';
import { hitAlert } from './build.ts';
import { Heap } from './heap.ts';
import type { RuleRuntime } from './rules.ts';
import { buildRuntimes, evictionsOf } from './rules.ts';
import type { DetectorSnapshot } from './snapshot.ts';
import { checkSnapshot, finite, orMinus } from './snapshot.ts';
import type { Hit } from './types.ts';

export interface DetectorOptions {
  ruleSet: RuleSet;
  /** how far behind the newest event time an event may arrive and still count (ms or "1m"); default 1m */
  allowedLateness?: number | string;
  /** bound on keys per rule and kind; the least recently applied key is evicted; default 10000 */
  maxKeysPerRule?: number;
}

export interface DetectorStats {
  /** event time up to which all windows are complete (null before the first event/tick) */
  watermark: number | null;
  maxEventTs: number | null;
  /** hits waiting for the watermark */
  pending: number;
  /** events that arrived behind the watermark and were not applied to stateful rules */
  lateDropped: number;
  /** keys evicted by the bound, all rules */
  evictions: number;
  alerts: number;
  /** alerts suppressed by dedupe */
  suppressed: number;
  rules: Record<string, { keys: number; evictions: number }>;
}

export interface Detector {
  process(events: readonly LogEvent[]): Alert[];
  /** Server clock: advances the watermark to nowMs - allowedLateness (absence fires without events). */
  tick(nowMs: number): Alert[];
  /**
   * End of input: applies every pending hit and closes threshold/sequence/dedupe windows (the
   * watermark goes to +infinity); absence deadlines fire only up to `untilMs` (default: the
   * latest event time or tick seen), so keys still active at the end are not reported silent.
   * Later events are all late.
   */
  flush(untilMs?: number): Alert[];
  swapRules(ruleSet: RuleSet): void;
  snapshot(): unknown;
  restore(snapshot: unknown): void;
  stats(): DetectorStats;
}

const DEFAULT_LATENESS = 60_000;
const DEFAULT_MAX_KEYS = 10_000;

class DetectorImpl implements Detector {
  private rs: RuleSet;
  private rts = new Map<string, RuleRuntime>();
  /** the runtimes with a window or dedupe, in rule order */
  private keyed: RuleRuntime[] = [];
  private readonly lateness: number;
  private readonly maxKeys: number;
  private maxTs = Number.NEGATIVE_INFINITY;
  private clockWm = Number.NEGATIVE_INFINITY;
  private lastNow = Number.NEGATIVE_INFINITY;
  private flushed = false;
  private counters = { lateDropped: 0, alerts: 0, suppressed: 0, retiredEvictions: 0 };
  private readonly heap = new Heap<Hit>((a, b) => this.before(a, b));

  constructor(o: DetectorOptions) {
    const l = o.allowedLateness ?? DEFAULT_LATENESS;
    this.lateness = typeof l === 'string' ? parseDuration(l, 'allowedLateness') : l;
    if (!(this.lateness >= 0)) throw new ArgusError('BAD_CONFIG', 'allowedLateness must be >= 0');
    this.maxKeys = o.maxKeysPerRule ?? DEFAULT_MAX_KEYS;
    if (!(this.maxKeys >= 1)) throw new ArgusError('BAD_CONFIG', 'maxKeysPerRule must be >= 1');
    this.rs = o.ruleSet;
    this.setRuntimes(buildRuntimes(o.ruleSet, this.maxKeys).rts);
  }

  private setRuntimes(rts: Map<string, RuleRuntime>): void {
    this.rts = rts;
    this.keyed = [...rts.values()].filter((rt) => rt.win || rt.dedupe);
    for (const rt of this.keyed) if (rt.win instanceof AbsenceWindow) rt.win.render = hitRenderer(this.rs, rt.info.id);
  }

  /** The heap was rebuilt: sequence windows recount what is queued. */
  private requeued(): void {
    recountQueued(this.keyed, this.heap.toArray(), (id) => this.rts.get(id));
  }

  private before(a: Hit, b: Hit): boolean {
    if (a.ts !== b.ts) return a.ts < b.ts;
    if (a.ns !== b.ns) return a.ns < b.ns;
    if (a.id !== b.id) return a.id < b.id;
    return (this.rts.get(a.r)?.ord ?? 0) < (this.rts.get(b.r)?.ord ?? 0);
  }

  private watermark(): number {
    if (this.flushed) return Number.POSITIVE_INFINITY;
    return Math.max(this.maxTs - this.lateness, this.clockWm);
  }

  /** reused per event: the rules matching it */
  private readonly matched: RuleHandle[] = [];

  process(events: readonly LogEvent[]): Alert[] {
    const out: Alert[] = [];
    const rs = this.rs;
    const ms = this.matched;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      if (!Number.isFinite(ev.ts)) continue;
      const w = this.flushed ? Number.POSITIVE_INFINITY : Math.max(this.maxTs - this.lateness, this.clockWm);
      rs.matchRules(ev, ms);
      let late = false;
      for (let j = 0; j < ms.length; j++) {
        const r = ms[j]!;
        const rt = this.rts.get(r.info.id);
        if (!rt) continue;
        if (!rt.win && !rt.dedupe) {
          out.push(alertFromMatch(rs.toMatch(r, ev)));
        } else if (arrive(rs, this.heap, r, rt, ev, w)) late = true;
      }
      if (late) this.counters.lateDropped++;
      if (ev.ts > this.maxTs) this.maxTs = ev.ts;
    }
    const w = this.watermark();
    this.drain(w, w, out);
    this.counters.alerts += out.length;
    return out;
  }

  tick(nowMs: number): Alert[] {
    const out: Alert[] = [];
    if (!Number.isFinite(nowMs)) return out;
    this.lastNow = Math.max(this.lastNow, nowMs);
    this.clockWm = Math.max(this.clockWm, nowMs - this.lateness);
    const w = this.watermark();
    this.drain(w, w, out);
    this.counters.alerts += out.length;
    return out;
  }

  flush(untilMs?: number): Alert[] {
    const out: Alert[] = [];
    const end = untilMs ?? Math.max(this.maxTs, this.lastNow);
    this.drain(Number.POSITIVE_INFINITY, end, out);
    this.flushed = true;
    this.counters.alerts += out.length;
    return out;
  }

  /** Applies pending hits with ts <= w in order, firing deadlines as event time passes them. */
  private drain(w: number, absenceUntil: number, out: Alert[]): void {
    for (let h = this.heap.peek(); h && h.ts <= w; h = this.heap.peek()) {
      this.heap.pop();
      this.due(h.ts, h.ts, out);
      this.apply(h, out);
    }
    this.due(w, Math.min(w, absenceUntil), out);
    this.sink = [];
  }

  private due(t: number, absenceT: number, out: Alert[]): void {
    const emit = this.emitTo(out);
    for (const rt of this.keyed) {
      rt.win?.due(rt.win.kind === 'absence' ? absenceT : t, emit);
      rt.dedupe?.due(t, emit);
    }
  }

  /** the output array of the running process/tick/flush call (emitted alerts go there) */
  private sink: Alert[] = [];
  private readonly emit = (a: Alert): void => {
    this.sink.push(a);
  };

  /** The push function for `out` (due runs before every hit). */
  private emitTo(out: Alert[]): (a: Alert) => void {
    this.sink = out;
    return this.emit;
  }

  private apply(h: Hit, out: Alert[]): void {
    const rt = this.rts.get(h.r);
    if (!rt) return;
    const send = (a: Alert) => {
      const kept = rt.dedupe ? rt.dedupe.offer(a, h.keys.dedupe ?? [], h.ts) : a;
      if (kept) out.push(kept);
      else this.counters.suppressed++;
    };
    if (rt.win) rt.win.apply(h, send);
    else send(hitAlert(rt.info, h));
  }

  swapRules(ruleSet: RuleSet): void {
    const { rts, dropped } = buildRuntimes(ruleSet, this.maxKeys, this.rts);
    for (const d of dropped) this.counters.retiredEvictions += evictionsOf(d);
    const pending = this.heap.toArray().filter((h) => this.rts.get(h.r)?.fp === rts.get(h.r)?.fp && rts.has(h.r));
    for (const rt of this.keyed) if (rt.win instanceof AbsenceWindow) rt.win.settleAll();
    this.rs = ruleSet;
    this.setRuntimes(rts);
    this.heap.clear();
    for (const h of pending) this.heap.push(h);
    this.requeued();
  }

  snapshot(): unknown {
    const s: DetectorSnapshot = {
      v: 1,
      allowedLateness: this.lateness,
      maxEventTs: finite(this.maxTs),
      clockWatermark: finite(this.clockWm),
      lastNow: finite(this.lastNow),
      flushed: this.flushed,
      counters: { ...this.counters },
      pending: this.heap.toArray(),
      rules: this.keyed.map((rt) => ({ id: rt.info.id, fp: rt.fp, win: rt.win?.dump(), dedupe: rt.dedupe?.dump() })),
    };
    return structuredClone(s);
  }

  restore(snapshot: unknown): void {
    const s = checkSnapshot(snapshot);
    this.setRuntimes(buildRuntimes(this.rs, this.maxKeys).rts);
    const kept = new Set<string>();
    for (const r of s.rules) {
      const rt = this.rts.get(r.id);
      if (!rt || rt.fp !== r.fp) continue;
      if (r.win !== undefined) rt.win?.load(r.win);
      if (r.dedupe !== undefined) rt.dedupe?.load(r.dedupe);
      kept.add(r.id);
    }
    this.maxTs = orMinus(s.maxEventTs);
    this.clockWm = orMinus(s.clockWatermark);
    this.lastNow = orMinus(s.lastNow);
    this.flushed = s.flushed === true;
    this.counters = { ...this.counters, ...s.counters };
    this.heap.clear();
    for (const h of s.pending) if (kept.has(h.r)) this.heap.push(h);
    this.requeued();
  }

  stats(): DetectorStats {
    const rules: DetectorStats['rules'] = {};
    let evictions = this.counters.retiredEvictions;
    for (const rt of this.keyed) {
      const e = evictionsOf(rt);
      evictions += e;
      rules[rt.info.id] = { keys: (rt.win?.size ?? 0) + (rt.dedupe?.size ?? 0), evictions: e };
    }
    const { lateDropped, alerts, suppressed } = this.counters;
    return { watermark: finite(this.watermark()), maxEventTs: finite(this.maxTs), pending: this.heap.size, lateDropped, evictions, alerts, suppressed, rules };
  }
}

export function createDetector(o: DetectorOptions): Detector {
  return new DetectorImpl(o);
}
