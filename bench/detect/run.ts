/**
 * Rule engine throughput: Falco's k8s_audit rules (rules-k8saudit-v0.6.0, loaded as-is) over the
 * Falco trace-file events repeated to ~1M evaluations, against a loop that only reads the same
 * events; then the built-in K05 pack + Falco's rules over a realistic mix (./pack-mix.ts).
 * Run pinned to one core: taskset -c 0 node bin/run-ts.js bench/detect/run.ts [events] [all|falco|pack]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplePath } from '../../test/helpers/sample-path.ts';
import { auditEventsFromNdjson } from '../../src/detect/audit-fixture.ts';
import { createDetector, loadRuleFiles } from '../../src/detect/index.ts';
import type { LogEvent } from '../../src/core/index.ts';
import { runPackMix } from './pack-mix.ts';

const DIR = samplePath('falco-k8saudit');
const TOTAL = Number(process.argv[2] ?? 1_000_000);
const CASE = process.argv[3] ?? 'all';
const COPIES = 20; // distinct event objects per fixture event, so nothing is trivially hot

const base: LogEvent[] = [];
for (const f of readdirSync(join(DIR, 'trace_files/k8s_audit')).sort()) {
  base.push(...auditEventsFromNdjson(readFileSync(join(DIR, 'trace_files/k8s_audit', f), 'utf8')));
}
const pool: LogEvent[] = [];
for (let c = 0; c < COPIES; c++) for (const e of base) pool.push({ ...e, attrs: structuredClone(e.attrs) });

const t0 = performance.now();
const rules = loadRuleFiles([
  { path: 'falco-rules-1.0.1-lists.yaml', text: readFileSync(join(DIR, 'falco-rules-1.0.1-lists.yaml'), 'utf8') },
  { path: 'rules-k8saudit-v0.6.0/k8s_audit_rules.yaml', text: readFileSync(join(DIR, 'rules-k8saudit-v0.6.0/k8s_audit_rules.yaml'), 'utf8') },
]);
const loadMs = performance.now() - t0;

function readOnly(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const e = pool[i % pool.length]!;
    const a = e.attrs as { verb?: string; objectRef?: { resource?: string } };
    sink += (e.source.length + (a.verb?.length ?? 0) + (a.objectRef?.resource?.length ?? 0)) & 1;
  }
  return sink;
}

function detect(n: number): number {
  let matches = 0;
  for (let i = 0; i < n; i++) matches += rules.evaluate(pool[i % pool.length]!).length;
  return matches;
}

/** Detector.process in batches of 1000; event times rewritten to keep moving forward (1 ms apart). */
function detectStateful(n: number): number {
  const det = createDetector({ ruleSet: rules });
  const t0 = Date.UTC(2025, 0, 1);
  let alerts = 0;
  const batch: LogEvent[] = [];
  for (let i = 0; i < n; i++) {
    const e = pool[i % pool.length]!;
    e.ts = t0 + i;
    batch.push(e);
    if (batch.length === 1000) {
      alerts += det.process(batch).length;
      batch.length = 0;
    }
  }
  return alerts + det.process(batch).length + det.flush().length;
}

function time(fn: (n: number) => number, n: number): { ms: number; out: number } {
  const s = performance.now();
  const out = fn(n);
  return { ms: performance.now() - s, out };
}

function runFalcoTraces(): void {
  // warm up both loops
  readOnly(200_000);
  detect(200_000);

  const runs = 3;
  let bestRead = Infinity;
  let bestDetect = Infinity;
  let bestStateful = Infinity;
  let matched = 0;
  let alerts = 0;
  detectStateful(200_000);
  for (let r = 0; r < runs; r++) {
    bestRead = Math.min(bestRead, time(readOnly, TOTAL).ms);
    const d = time(detect, TOTAL);
    bestDetect = Math.min(bestDetect, d.ms);
    matched = d.out;
    const s = time(detectStateful, TOTAL);
    bestStateful = Math.min(bestStateful, s.ms);
    alerts = s.out;
  }
  const eps = (ms: number) => Math.round(TOTAL / (ms / 1000)).toLocaleString('en-US');
  const line = (ms: number) => `${eps(ms)} events/s (${ms.toFixed(0)} ms); ratio ${(ms / bestRead).toFixed(1)}x, ${((ms * 1e6) / TOTAL).toFixed(0)} ns/event`;
  const active = rules.rules.filter((r) => r.enabled).length;
  console.log('== Falco k8s_audit rules (v0.6.0) over the Falco trace-file events ==');
  console.log(`rules: ${rules.rules.length} (${active} enabled), loaded+compiled in ${loadMs.toFixed(1)} ms`);
  console.log(`events: ${TOTAL} (${base.length} fixture events x ${COPIES} copies, cycled); matches: ${matched}; alerts: ${alerts}`);
  console.log(`read-only loop        : ${eps(bestRead)} events/s (${bestRead.toFixed(0)} ms)`);
  console.log(`RuleSet.evaluate      : ${line(bestDetect)}`);
  console.log(`Detector (stateful)   : ${line(bestStateful)}`);
}

if (CASE === 'all' || CASE === 'falco') runFalcoTraces();
if (CASE === 'all' || CASE === 'pack') runPackMix(TOTAL);
