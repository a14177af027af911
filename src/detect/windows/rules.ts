/** The detector's per-rule runtime: the rule's window (threshold | absence | sequence) and dedupe filter. */
import type { RuleInfo, RuleSet } from '../ruleset.ts';
import { STATEFUL_KEYS } from '../stateful.ts';
import { AbsenceWindow } from './absence.ts';
import { DedupeFilter } from './dedupe.ts';
import { SequenceWindow } from './sequence.ts';
import { ThresholdWindow } from './threshold.ts';
import type { RuleWindow } from './types.ts';

export interface RuleRuntime {
  info: RuleInfo;
  /** rule order, the last tie-break between hits of one event */
  ord: number;
  /** the stateful spec as JSON: state is kept across a hot reload only while it is unchanged */
  fp: string;
  win?: RuleWindow;
  dedupe?: DedupeFilter;
}

export function isStateful(info: RuleInfo): boolean {
  return STATEFUL_KEYS.some((k) => info.stateful[k] !== undefined);
}

function fresh(info: RuleInfo, ord: number, fp: string, maxKeys: number): RuleRuntime {
  const s = info.stateful;
  const rt: RuleRuntime = { info, ord, fp };
  if (s.threshold) rt.win = new ThresholdWindow(info, s.threshold, maxKeys);
  else if (s.absence) rt.win = new AbsenceWindow(info, s.absence, maxKeys);
  else if (s.sequence) rt.win = new SequenceWindow(info, s.sequence, maxKeys);
  if (s.dedupe) rt.dedupe = new DedupeFilter(info, s.dedupe, maxKeys);
  return rt;
}

/**
 * Runtimes for the enabled rules of `rs`; a rule whose id and stateful spec equal one in `prev`
 * keeps that rule's state. Returns the runtimes and the previous ones that were dropped.
 */
export function buildRuntimes(rs: RuleSet, maxKeys: number, prev?: ReadonlyMap<string, RuleRuntime>) {
  const rts = new Map<string, RuleRuntime>();
  rs.rules.forEach((info, ord) => {
    if (!info.enabled) return;
    const fp = JSON.stringify(info.stateful);
    const old = prev?.get(info.id);
    if (old && old.fp === fp) {
      if (old.win) old.win.rule = info;
      if (old.dedupe) old.dedupe.rule = info;
      rts.set(info.id, { ...old, info, ord });
    } else rts.set(info.id, fresh(info, ord, fp, maxKeys));
  });
  const dropped = [...(prev?.values() ?? [])].filter((o) => rts.get(o.info.id)?.fp !== o.fp);
  return { rts, dropped };
}

export function evictionsOf(rt: RuleRuntime): number {
  return (rt.win?.evictions ?? 0) + (rt.dedupe?.evictions ?? 0);
}
