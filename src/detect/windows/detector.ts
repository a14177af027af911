/**
 * The stateful detector: wraps a RuleSet and evaluates `threshold`, `absence`, `sequence` and
 * `dedupe` in event time (see ../README.md "Stateful rules" for the semantics).
 *
 * Each source (source + cluster, see sources.ts) has its watermark `max ts of the source -
 * allowedLateness`; windows are applied up to the frontier W = max(the slowest source's watermark,
 * last tick(now) - allowedLateness). A stateful match is turned into a Hit when its event arrives
 * and waits in a heap until W reaches its ts; hits are then applied in (ts, tsNanos, id, rule
 * order) order, with every window deadline (absence, dedupe close) <= a hit's ts fired before
 * that hit. An event at or behind its own source's watermark (or the frontier) when it arrives is
 * late: window rules (threshold, sequence, absence) do not apply it (counted in `lateDropped`); a
 * rule whose only state is dedupe alerts on it at once, deduplicated against what it emitted. So any
 * arrival order in which no event is late gives the same alerts, and replaying the same events
 * gives the same alertKeys. Stateless rules alert immediately, once per request (requests.ts).
 */
import type { LogEvent } from '../../core/index.ts';
import { ArgusError, parseDuration } from '../../core/index.ts';
import type { Alert } from '../alert.ts';
import { alertFromMatch } from '../alert.ts';
import type { RuleHandle, RuleSet } from '../ruleset.ts';
import { AbsenceWindow } from './absence.ts';
import { arrive, hitRenderer, lateHit, recountQueued } from './arrive.ts';
import { hitAlert } from './build.ts';
import { Heap } from './heap.ts';
import { DEFAULT_MAX_REQUESTS, RequestMemory, requestOf } from './requests.ts';
import type { RuleRuntime } from './rules.ts';
import { buildRuntimes, evictionsOf } from './rules.ts';
import type { DetectorSnapshot } from './snapshot.ts';
import { checkSnapshot, finite, orMinus } from './snapshot.ts';
import { SourceClocks } from './sources.ts';
import type { Hit } from './types.ts';
import type { Detector, DetectorOptions, DetectorStats } from './detector-api.ts';

export type { Detector, DetectorOptions, DetectorStats } from './detector-api.ts';


const DEFAULT_LATENESS = 60_000;
const DEFAULT_MAX_KEYS = 10_000;
const DEFAULT_SKEW = 5 * 60_000;
const DEFAULT_MAX_PENDING = 200_000;

function duration(v: number | string, what: string): number {
  const ms = typeof v === 'string' ? parseDuration(v, what) : v;
  if (!(ms >= 0)) throw new ArgusError('BAD_CONFIG', `${what} must be >= 0`);
  return ms;
}

class DetectorImpl implements Detector {
  private rs: RuleSet;
  private rts = new Map<string, RuleRuntime>();
  /** the runtimes with a window or dedupe, in rule order */
  private keyed: RuleRuntime[] = [];
  private readonly lateness: number;
  private readonly maxKeys: number;
  private readonly skew: number;
  private readonly maxPending: number;
  private readonly requests: RequestMemory;
  private readonly clocks = new SourceClocks();
  /** event time up to which windows have been applied (monotone) */
  private applied = Number.NEGATIVE_INFINITY;
  private maxTs = Number.NEGATIVE_INFINITY;
  private clockWm = Number.NEGATIVE_INFINITY;
  private lastNow = Number.NEGATIVE_INFINITY;
  private flushed = false;
  private counters = { lateDropped: 0, lateAccepted: 0, forcedApplied: 0, alerts: 0, suppressed: 0, retiredEvictions: 0 };
  private readonly heap = new Heap<Hit>((a, b) => this.before(a, b));

  constructor(o: DetectorOptions) {
    this.lateness = duration(o.allowedLateness ?? DEFAULT_LATENESS, 'allowedLateness');
    this.skew = duration(o.maxSourceSkew ?? DEFAULT_SKEW, 'maxSourceSkew');
    this.maxPending = Math.max(1, o.maxPending ?? DEFAULT_MAX_PENDING);
    this.requests = new RequestMemory(Math.max(1, o.maxRequests ?? DEFAULT_MAX_REQUESTS));
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

  /** The frontier windows may be applied up to: the slowest source's watermark, or the clock's. */
  private watermark(): number {
    if (this.flushed) return Number.POSITIVE_INFINITY;
    const slowest = this.clocks.slowest(this.maxTs, this.skew) - this.lateness;
    return Math.max(this.applied, this.clockWm, slowest);
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
      const sk = this.clocks.key(ev);
      const w = this.flushed ? Number.POSITIVE_INFINITY : Math.max(this.clocks.of(sk) - this.lateness, this.applied, this.clockWm);
      rs.matchRules(ev, ms);
      let late = false;
      let lateOk = false;
      for (let j = 0; j < ms.length; j++) {
        const r = ms[j]!;
        const rt = this.rts.get(r.info.id);
        if (!rt) continue;
        if (!rt.win && !rt.dedupe) {
          if (this.requests.first(r.info.id, requestOf(ev))) out.push(alertFromMatch(rs.toMatch(r, ev)));
        } else if (!rt.win && ev.ts <= w) {
          // only dedupe: a late match still alerts, deduplicated against what the rule emitted
          this.apply(lateHit(rs, r, ev), out);
          lateOk = true;
        } else if (arrive(rs, this.heap, r, rt, ev, w)) late = true;
      }
      if (late) this.counters.lateDropped++;
      if (lateOk) this.counters.lateAccepted++;
      this.clocks.see(sk, ev.ts);
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
    let upTo = w;
    // bounded queue: past maxPending the oldest hits are applied now (the frontier moves up to them)
    while (this.heap.size > this.maxPending) {
      const h = this.heap.pop()!;
      this.due(h.ts, h.ts, out);
      this.apply(h, out);
      upTo = Math.max(upTo, h.ts);
      this.counters.forcedApplied++;
    }
    this.due(upTo, Math.min(upTo, absenceUntil), out);
    if (Number.isFinite(upTo) && upTo > this.applied) this.applied = upTo;
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
    if (!rt.win && !this.requests.first(h.r, h.rq)) return;
    const send = (a: Alert) => {
      const kept = rt.dedupe ? rt.dedupe.offer(a, h.keys.dedupe ?? [], h.ts, (x) => out.push(x)) : a;
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
    this.requests.retain((id) => rts.has(id) && rts.get(id)?.fp === this.rts.get(id)?.fp);
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
      applied: finite(this.applied),
      sources: this.clocks.dump(),
      requests: this.requests.dump(),
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
    this.applied = orMinus(s.applied);
    this.clocks.load(s.sources ?? (Number.isFinite(this.maxTs) ? [['', this.maxTs]] : []));
    this.requests.load(s.requests);
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
    const { lateDropped, lateAccepted, forcedApplied, alerts, suppressed } = this.counters;
    const r = this.requests;
    return {
      watermark: finite(this.watermark()),
      maxEventTs: finite(this.maxTs),
      pending: this.heap.size,
      lateDropped,
      lateAccepted,
      forcedApplied,
      stageRepeats: r.repeats,
      requests: r.size,
      requestEvictions: r.evictions,
      sources: this.clocks.size,
      evictions,
      alerts,
      suppressed,
      rules,
    };
  }
}

export function createDetector(o: DetectorOptions): Detector {
  return new DetectorImpl(o);
}
