/**
 * An event's stateful matches at arrival: late ones are only counted; absence hits of tracked
 * keys update the key at once (AbsenceWindow.touch); sequence hits that cannot advance any run
 * are dropped; the rest become Hits queued until the watermark passes them.
 */
import type { LogEvent } from '../../core/index.ts';
import { alertLabels } from '../alert.ts';
import type { RuleHandle, RuleSet } from '../ruleset.ts';
import { AbsenceWindow } from './absence.ts';
import type { Heap } from './heap.ts';
import type { RuleRuntime } from './rules.ts';
import { requestOf } from './requests.ts';
import { SequenceWindow } from './sequence.ts';
import type { Hit } from './types.ts';

/** Returns true when the event is late for this rule (ts <= watermark `w`). */
export function arrive(rs: RuleSet, heap: Heap<Hit>, r: RuleHandle, rt: RuleRuntime, ev: LogEvent, w: number): boolean {
  const plan = r.plan;
  let steps: number[] | undefined;
  let first = false;
  if (plan?.steps) {
    const ps = plan.steps;
    for (let i = 0; i < ps.length; i++) {
      if (!ps[i]!(ev)) continue;
      if (i === 0) first = true;
      (steps ??= []).push(i);
    }
    if (!steps) return false;
  }
  if (ev.ts <= w) return true;
  const win = rt.win;
  if (win instanceof AbsenceWindow) {
    if (win.touch(plan?.by.absence?.(ev) ?? [], ev)) return false;
  } else if (win instanceof SequenceWindow && steps) {
    const k = JSON.stringify(plan?.by.sequence?.(ev) ?? []);
    if (!first && !win.mayAdvance(k, steps)) return false;
    win.noteQueued(k, steps);
  }
  heap.push(makeHit(rs, r, ev, steps));
  return false;
}

/** The hit of a late match of a dedupe-only rule, applied at once. */
export function lateHit(rs: RuleSet, r: RuleHandle, ev: LogEvent): Hit {
  return makeHit(rs, r, ev, undefined);
}

function makeHit(rs: RuleSet, r: RuleHandle, ev: LogEvent, steps: number[] | undefined): Hit {
  const m = rs.toMatch(r, ev);
  const h: Hit = { r: r.info.id, ts: ev.ts, ns: ev.tsNanos ?? 0, id: ev.id, title: m.title, labels: alertLabels(m), keys: {} };
  if (ev.auditId) h.aid = ev.auditId;
  if (ev.dedupKey) h.dk = ev.dedupKey;
  const rq = requestOf(ev);
  if (rq !== undefined) h.rq = rq;
  for (const [k, get] of Object.entries(r.plan?.by ?? {})) h.keys[k as keyof Hit['keys']] = get(ev);
  if (steps) h.steps = steps;
  return h;
}

/** Renders a hit of rule `ruleId` for an event evaluated earlier (absence keys keep events). */
export function hitRenderer(rs: RuleSet, ruleId: string): (ev: LogEvent) => Pick<Hit, 'title' | 'labels'> {
  return (ev) => {
    const h = rs.handle(ruleId);
    if (!h) throw new Error(`no rule ${ruleId}`);
    const m = rs.toMatch(h, ev, true);
    return { title: m.title, labels: alertLabels(m) };
  };
}

/** After the queue was rebuilt (swap, restore): recount the queued hits that may start a sequence. */
export function recountQueued(rts: Iterable<RuleRuntime>, pending: readonly Hit[], get: (ruleId: string) => RuleRuntime | undefined): void {
  for (const rt of rts) if (rt.win instanceof SequenceWindow) rt.win.resetQueued();
  for (const h of pending) {
    const win = get(h.r)?.win;
    if (win instanceof SequenceWindow) win.noteQueued(JSON.stringify(h.keys.sequence ?? []), h.steps);
  }
}
