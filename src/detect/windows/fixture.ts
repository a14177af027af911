/** Test helpers: HTTP-like events at second offsets, one-rule files, running a detector. */
import type { LogEvent } from '../../core/index.ts';
import type { Alert } from '../alert.ts';
import { loadRuleFiles } from '../ruleset.ts';
import type { RuleSet } from '../ruleset.ts';
import type { Detector, DetectorOptions } from './detector.ts';
import { createDetector } from './detector.ts';

export const T0 = Date.parse('2026-01-01T00:00:00Z');
let seq = 0;

/** An event `sec` seconds after T0 (ids increase with creation, as ULIDs do at ingest). */
export function ev(sec: number, patch: Partial<LogEvent> = {}): LogEvent {
  seq++;
  const id = `E${String(seq).padStart(8, '0')}`;
  return { id, ts: T0 + sec * 1000, receivedAt: T0, source: 'http', severityNumber: 9, message: 'req', attrs: {}, auditId: `a-${seq}`, ...patch };
}

/** A rule file: `- rule: name`, source http, the given condition and extra YAML lines. */
export function rule(name: string, condition: string, extra: string): string {
  return `- rule: ${name}\n  desc: d\n  condition: ${JSON.stringify(condition)}\n  output: "${name} from %sourceIp"\n  priority: WARNING\n  source: http\n${extra
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

export function ruleSet(...texts: string[]): RuleSet {
  return loadRuleFiles(texts.map((text, i) => ({ path: `r${i}.yaml`, text })));
}

export function detector(rs: RuleSet, o: Partial<DetectorOptions> = {}): Detector {
  return createDetector({ ruleSet: rs, ...o });
}

/** Feeds events one batch at a time, then flushes; all alerts. */
export function run(d: Detector, events: LogEvent[], batch = 7, until?: number): Alert[] {
  const out: Alert[] = [];
  for (let i = 0; i < events.length; i += batch) out.push(...d.process(events.slice(i, i + batch)));
  out.push(...d.flush(until));
  return out;
}

export const byKey = (alerts: Alert[]) => [...alerts].sort((a, b) => (a.alertKey < b.alertKey ? -1 : a.alertKey > b.alertKey ? 1 : 0));

/** A deterministic shuffle (mulberry32). */
export function shuffle<T>(xs: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
