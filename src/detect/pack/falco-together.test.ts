/**
 * The pack and Falco's k8s_audit rules load into one RuleSet in either order, without name
 * clashes (the pack's lists and macros are all `argus_*`), and loading the pack does not change
 * what Falco's rules detect on Falco's own trace files. On those trace files the pack alerts only
 * on the attacks a person makes, never on the controllers' and kubelets' events.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithSamples, hasSamples, samplePath } from '../../../test/helpers/samples.ts';
import { parse } from 'yaml';
import { auditEventsFromNdjson } from '../audit-fixture.ts';
import type { RuleFileInput } from '../index.ts';
import { createDetector, loadRuleFiles } from '../index.ts';
import { builtinRuleFiles } from './index.ts';

const DIR = samplePath('falco-k8saudit');
const HAVE = hasSamples('falco-k8saudit');
const read = (p: string): RuleFileInput => ({ path: p, text: HAVE ? readFileSync(join(DIR, p), 'utf8') : '' });
const LISTS = read('falco-rules-1.0.1-lists.yaml');
const FALCO_CURRENT = read('k8s_audit_rules.yaml');
const FALCO_V06 = read('rules-k8saudit-v0.6.0/k8s_audit_rules.yaml');

function names(files: RuleFileInput[], kind: 'list' | 'macro' | 'rule'): string[] {
  return files.flatMap((f) => ((parse(f.text) ?? []) as (Record<string, unknown> | null)[]).filter((i) => i !== null && kind in i).map((i) => String(i![kind])));
}

describeWithSamples('falco-k8saudit', 'built-in pack beside Falco k8s_audit rules', () => {
  const pack = builtinRuleFiles();

  it('has only argus_-prefixed lists and macros, none defined by Falco', () => {
    const ours = [...names(pack, 'list'), ...names(pack, 'macro')];
    expect(ours.every((n) => n.startsWith('argus_'))).toBe(true);
    const falco = new Set([...names([LISTS, FALCO_CURRENT, FALCO_V06], 'list'), ...names([LISTS, FALCO_CURRENT, FALCO_V06], 'macro')]);
    expect(ours.filter((n) => falco.has(n))).toEqual([]);
    const falcoRules = new Set(names([FALCO_CURRENT, FALCO_V06], 'rule'));
    expect(names(pack, 'rule').filter((n) => falcoRules.has(n))).toEqual([]);
  });

  for (const [label, falco] of [['current', FALCO_CURRENT], ['v0.6.0', FALCO_V06]] as const) {
    it(`loads with Falco ${label} rules in either order`, () => {
      const alone = loadRuleFiles([LISTS, falco]).rules.length;
      const ours = loadRuleFiles(pack).rules.length;
      const a = loadRuleFiles([LISTS, falco, ...pack]);
      const b = loadRuleFiles([...pack, LISTS, falco]);
      expect(a.rules.length).toBe(alone + ours);
      expect(b.rules.length).toBe(alone + ours);
      expect(new Set(a.rules.map((r) => r.id)).size).toBe(a.rules.length);
    });
  }

  it("does not change what Falco's rules detect on Falco's trace files", () => {
    const dir = join(DIR, 'trace_files/k8s_audit');
    const events = readdirSync(dir).sort().flatMap((f) => auditEventsFromNdjson(readFileSync(join(dir, f), 'utf8')));
    const falcoOnly = loadRuleFiles([LISTS, FALCO_V06]);
    const both = loadRuleFiles([LISTS, FALCO_V06, ...pack]);
    const falcoIds = new Set(falcoOnly.rules.map((r) => r.id));
    let packMatches = 0;
    for (const e of events) {
      const expected = falcoOnly.evaluate(e).map((m) => m.ruleId);
      const got = both.evaluate(e).map((m) => m.ruleId);
      expect(got.filter((id) => falcoIds.has(id))).toEqual(expected);
      packMatches += got.filter((id) => id.startsWith('argus-')).length;
    }
    expect(events.length).toBeGreaterThan(40);
    expect(packMatches).toBeGreaterThan(0);
  });

  it("alerts on the people's attacks in Falco's trace files and on no controller or kubelet event", () => {
    const dir = join(DIR, 'trace_files/k8s_audit');
    const ruleSet = loadRuleFiles(pack);
    const fired: Record<string, string[]> = {};
    let platformEvents = 0;
    let platformAlerts = 0;
    for (const f of readdirSync(dir).sort()) {
      const events = auditEventsFromNdjson(readFileSync(join(dir, f), 'utf8'));
      const det = createDetector({ ruleSet });
      const alerts = [...det.process(events), ...det.flush()];
      const platform = events.filter((e) => /^system:(serviceaccount:kube-system:|node:|kube-controller-manager$)/.test(e.user ?? ''));
      platformEvents += platform.length;
      platformAlerts += alerts.filter((a) => a.eventIds.some((id) => platform.some((e) => e.id === id))).length;
      if (alerts.length > 0) fired[f] = alerts.map((a) => a.ruleId);
    }
    expect(platformEvents).toBeGreaterThanOrEqual(12);
    expect(platformAlerts).toBe(0);
    expect(fired).toEqual({
      'anonymous_creates_namespace_foo.json': ['argus-k8s-anonymous-allowed'],
      'attach_cluster_admin_role.json': ['argus-k8s-cluster-admin-binding'],
      'attach_pod.json': ['argus-k8s-pod-exec'],
      'create_cluster_role_wildcard_verbs.json': ['argus-k8s-rbac-escalation'],
      'create_deployment.json': ['argus-k8s-workload-manual-change'],
      'delete_deployment.json': ['argus-k8s-workload-manual-change'],
      'exec_pod.json': ['argus-k8s-pod-exec'],
    });
  });
});
