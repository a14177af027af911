/**
 * The pack and Falco's k8s_audit rules load into one RuleSet in either order, without name
 * clashes (the pack's lists and macros are all `argus_*`), and loading the pack does not change
 * what Falco's rules detect on Falco's own trace files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithSamples, hasSamples, samplePath } from '../../../test/helpers/samples.ts';
import { parse } from 'yaml';
import { auditEventsFromNdjson } from '../audit-fixture.ts';
import type { RuleFileInput } from '../index.ts';
import { loadRuleFiles } from '../index.ts';
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
});
