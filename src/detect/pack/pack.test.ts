/**
 * The built-in K05 pack: loads cleanly, every rule is well-formed (id, k05 + MITRE tags, a
 * positive and a negative case), and every embedded test case passes through the detector.
 */
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '../index.ts';
import { buildCaseEvents, builtinRuleFiles, builtinTestFiles, parseTestFile, runRuleTests } from './index.ts';

describe('built-in K05 rule pack', () => {
  const files = builtinRuleFiles();
  const rs = loadRuleFiles(files);

  it('loads without warnings, lists first', () => {
    expect(files[0]!.path).toBe('builtin/00-lists.yaml');
    expect(rs.warnings).toEqual([]);
    expect(rs.rules.length).toBeGreaterThanOrEqual(20);
  });

  it('gives every rule a stable argus- id, a k05 tag and a MITRE ATT&CK technique', () => {
    for (const r of rs.rules) {
      expect(r.id, r.name).toMatch(/^argus-[a-z0-9-]+$/);
      expect(r.tags, r.id).toContain('k05');
      expect(r.tags.some((t) => /^T\d{4}(\.\d{3})?$/.test(t)), `${r.id} has a technique tag`).toBe(true);
      expect(r.source, r.id).not.toBe('syscall');
    }
  });

  it('passes every embedded test case, with a positive and a negative case per rule', () => {
    const rep = runRuleTests([...files, ...builtinTestFiles()], { requireTests: true });
    const failures = rep.results.filter((r) => r.status !== 'pass').map((r) => `${r.where} ${r.rule}: ${r.name}: ${r.reason}`);
    expect(rep.problems).toEqual([]);
    expect(failures).toEqual([]);
    expect(rep.rules).toBe(rs.rules.length);
    expect(rep.passed).toBe(rep.results.length);
    expect(rep.ok).toBe(true);
  });

  it('runs stateful test cases through event-time windows', () => {
    const stateful = rs.rules.filter((r) => Object.keys(r.stateful).length > 0).map((r) => r.id);
    expect(stateful).toEqual(
      expect.arrayContaining(['argus-k8s-auth-brute-force', 'argus-k8s-token-request-then-use', 'argus-audit-source-silent', 'argus-sshd-brute-force', 'argus-container-error-burst']),
    );
    const rep = runRuleTests([...files, ...builtinTestFiles()], { requireTests: true });
    for (const id of stateful) {
      const cases = rep.results.filter((r) => r.rule === id);
      expect(cases.some((c) => c.expect === 'fire' && c.alerts.length > 0), id).toBe(true);
    }
  });

  it('reports a wrong expectation, an unknown rule and a missing case', () => {
    const rule = { path: 'mine.yaml', text: '- rule: R\n  id: r\n  desc: d\n  condition: ka.verb = delete\n  output: o\n  priority: INFO\n  source: k8s_audit\n' };
    const tests = {
      path: 'mine.tests.yaml',
      text: '- test: t\n  rule: r\n  expect: quiet\n  events:\n    - audit: {verb: delete, user: bob}\n- test: u\n  rule: nope\n  expect: fire\n  events:\n    - audit: {verb: get}\n',
    };
    const rep = runRuleTests([rule, tests]);
    expect(rep.ok).toBe(false);
    expect(rep.results[0]).toMatchObject({ status: 'fail', where: 'mine.tests.yaml:1', reason: 'expected no alert, got 1 (first: o)' });
    expect(rep.problems.map((p) => p.message)).toEqual([
      "test 'u': no rule with id or name 'nope'",
      "rule 'r' has no 'expect: fire' test case",
    ]);
  });

  it('builds audit events through the production normalizer, with offsets and repeats', () => {
    const { cases, errors } = parseTestFile(
      't.tests.yaml',
      '- test: t\n  rule: r\n  expect: fire\n  start: 2025-03-12T09:00:00Z\n  events:\n    - audit: {verb: get, user: alice, code: 401, ip: 192.0.2.1}\n      repeat: 3\n      every: 10s\n    - journald: {SYSLOG_IDENTIFIER: sshd, MESSAGE: hi}\n      at: 1m\n',
    );
    expect(errors).toEqual([]);
    const evs = buildCaseEvents(cases[0]!);
    expect(evs.map((e) => e.ts - Date.parse('2025-03-12T09:00:00Z'))).toEqual([0, 10_000, 20_000, 60_000]);
    expect(evs[0]).toMatchObject({ source: 'k8s_audit', user: 'alice', code: 401, sourceIp: '192.0.2.1', severityText: 'WARN' });
    expect(evs[3]).toMatchObject({ source: 'journald', node: 'worker-1', message: 'hi' });
  });
});
