/**
 * The built-in K05 pack + Falco's current k8s_audit rules over a realistic mix: synthetic audit
 * noise (controllers, kubelets, humans), attack scenarios, container log lines (some leaking a
 * credential) and node journald lines (kubelet, sshd). A pool of distinct events is generated
 * once and cycled; for the detector the event times are rewritten per cycle so event time keeps
 * moving forward (the windows see a continuous stream). One thread, one core.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplePath } from '../../test/helpers/sample-path.ts';
import type { LogEvent, LogEventInput } from '../../src/core/index.ts';
import { finalizeEvent } from '../../src/core/index.ts';
import { createDetector, loadRuleFiles } from '../../src/detect/index.ts';
import type { RuleSet } from '../../src/detect/index.ts';
import { builtinRuleFiles } from '../../src/detect/pack/index.ts';
import { auditEventToLogEvent } from '../../src/sources/k8s-audit/index.ts';
import type { Rng } from '../../src/sources/synthetic/index.ts';
import { containerEvent, createRng, noiseAuditEvent, SCENARIOS } from '../../src/sources/synthetic/index.ts';

const FIXTURES = samplePath('falco-k8saudit');
const STEP_MS = 5; // 200 events/s of event time

const JOURNAL = [
  { SYSLOG_IDENTIFIER: 'kubelet', MESSAGE: 'I0312 09:14:02.118734    1423 kubelet.go:2428] "SyncLoop ADD" source="api" pods=["payments/api-7c9d8f6b5-x2k4q"]' },
  { SYSLOG_IDENTIFIER: 'containerd', MESSAGE: 'time="2025-03-12T09:14:05.012088901Z" level=info msg="StartContainer returns successfully"' },
  { SYSLOG_IDENTIFIER: 'sshd', MESSAGE: 'Accepted publickey for ubuntu from 198.51.100.7 port 40022 ssh2' },
  { SYSLOG_IDENTIFIER: 'sshd', MESSAGE: 'Failed password for root from 203.0.113.45 port 51240 ssh2' },
] as const;

function journald(r: Rng, ts: number): LogEventInput {
  const j = r.pick(JOURNAL);
  const node = `worker-${1 + r.int(3)}`;
  return { ts, source: 'journald', node, severityNumber: 9, message: j.MESSAGE, attrs: { ...j, _HOSTNAME: node, PRIORITY: '6' } };
}

/** `size` distinct events: ~72% audit noise, 20% container lines, 7% journald, attacks every ~2000 events. */
export function generateMix(size: number, seed = 42): LogEvent[] {
  const r = createRng(seed);
  const t0 = Date.UTC(2025, 2, 12);
  const out: LogEvent[] = [];
  const names = Object.keys(SCENARIOS);
  while (out.length < size) {
    const ts = t0 + out.length * STEP_MS;
    const roll = r.next();
    let inputs: LogEventInput[];
    if (out.length % 2000 === 1999) inputs = SCENARIOS[r.pick(names)]!(r, ts).map((a) => auditEventToLogEvent(a, { cluster: 'bench' }));
    else if (roll < 0.72) inputs = [auditEventToLogEvent(noiseAuditEvent(r, ts), { cluster: 'bench' })];
    else if (roll < 0.92) inputs = [containerEvent(r, ts, { leak: r.chance(0.001) })];
    else inputs = [journald(r, ts)];
    for (const i of inputs) out.push(finalizeEvent({ ...i, ts }, ts));
  }
  return out.slice(0, size);
}

function loadPackAndFalco(): RuleSet {
  const read = (p: string) => ({ path: p, text: readFileSync(join(FIXTURES, p), 'utf8') });
  return loadRuleFiles([read('falco-rules-1.0.1-lists.yaml'), read('k8s_audit_rules.yaml'), ...builtinRuleFiles()]);
}

function best(runs: number, fn: () => number): { ms: number; out: number } {
  let ms = Infinity;
  let out = 0;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    out = fn();
    ms = Math.min(ms, performance.now() - s);
  }
  return { ms, out };
}

export function runPackMix(total: number, poolSize = 50_000): void {
  const g0 = performance.now();
  const pool = generateMix(poolSize);
  const genMs = performance.now() - g0;
  const l0 = performance.now();
  const rules = loadPackAndFalco();
  const loadMs = performance.now() - l0;
  const baseTs = pool.map((e) => e.ts);
  const span = baseTs.at(-1)! - baseTs[0]! + STEP_MS;

  const readOnly = (): number => {
    let sink = 0;
    for (let i = 0; i < total; i++) {
      const e = pool[i % pool.length]!;
      sink += (e.source.length + (e.verb?.length ?? 0) + e.message.length) & 1;
    }
    return sink;
  };
  const evaluate = (): number => {
    let n = 0;
    for (let i = 0; i < total; i++) n += rules.evaluate(pool[i % pool.length]!).length;
    return n;
  };
  let cycle = 0;
  const detect = (): number => {
    const det = createDetector({ ruleSet: rules });
    let alerts = 0;
    const batch: LogEvent[] = [];
    for (let i = 0; i < total; i++) {
      const k = i % pool.length;
      if (k === 0 && i > 0) cycle++;
      const e = pool[k]!;
      e.ts = baseTs[k]! + cycle * span;
      batch.push(e);
      if (batch.length === 1000) {
        alerts += det.process(batch).length;
        batch.length = 0;
      }
    }
    alerts += det.process(batch).length + det.flush().length;
    return alerts;
  };

  readOnly();
  evaluate();
  const ro = best(3, readOnly);
  const ev = best(3, evaluate);
  cycle = 0;
  const dt = best(3, detect);
  const eps = (ms: number) => Math.round(total / (ms / 1000)).toLocaleString('en-US');
  const kinds = new Map<string, number>();
  for (const e of pool) kinds.set(e.source, (kinds.get(e.source) ?? 0) + 1);
  const active = rules.rules.filter((r) => r.enabled).length;
  console.log('\n== built-in K05 pack + Falco k8s_audit rules (current) over a realistic mix ==');
  console.log(`rules: ${rules.rules.length} (${active} enabled), loaded+compiled in ${loadMs.toFixed(1)} ms`);
  console.log(`pool: ${pool.length} distinct events generated in ${genMs.toFixed(0)} ms (${[...kinds].map(([k, v]) => `${k} ${((100 * v) / pool.length).toFixed(0)}%`).join(', ')}); cycled to ${total}`);
  console.log(`read-only loop        : ${eps(ro.ms)} events/s (${ro.ms.toFixed(0)} ms)`);
  console.log(`RuleSet.evaluate      : ${eps(ev.ms)} events/s (${ev.ms.toFixed(0)} ms), ${ev.out} matches; ratio ${(ev.ms / ro.ms).toFixed(1)}x, ${((ev.ms * 1e6) / total).toFixed(0)} ns/event`);
  console.log(`Detector (stateful)   : ${eps(dt.ms)} events/s (${dt.ms.toFixed(0)} ms), ${dt.out} alerts; ratio ${(dt.ms / ro.ms).toFixed(1)}x, ${((dt.ms * 1e6) / total).toFixed(0)} ns/event`);
}
