/**
 * Runs the embedded rule tests: `runRuleTests(files)` loads the rule files among `files` with
 * `loadRuleFiles`, reads the `*.tests.yaml` among them, and evaluates every case on a fresh
 * detector (`createDetector`, as the server runs rules; stateful kinds in event time). It also checks coverage: every
 * rule defined in the tested files needs at least one `fire` and one `quiet` case. A rule file
 * that comes without any test file (e.g. `argus rules import sigma` output) is not a failure: its
 * rules are listed as `untested` (unless `requireTests`).
 */
import type { RuleFileInput, RuleInfo, RuleSet } from '../index.ts';
import { loadRuleFiles } from '../index.ts';
import { createCaseEvaluator } from './case-evaluator.ts';
import type { CaseAlert } from './case-evaluator.ts';
import { buildCaseEvents } from './test-events.ts';
import type { RuleTestCase, TestFileError } from './test-file.ts';
import { isTestFile, parseTestFile } from './test-file.ts';

export type CaseStatus = 'pass' | 'fail';

export interface CaseResult {
  where: string;
  rule: string;
  name: string;
  expect: 'fire' | 'quiet';
  status: CaseStatus;
  /** why it failed */
  reason?: string;
  /** alerts of the case's rule */
  alerts: CaseAlert[];
}

export interface RuleTestReport {
  ok: boolean;
  rules: number;
  results: CaseResult[];
  /** load errors, bad test items, rules without a positive or a negative case */
  problems: TestFileError[];
  passed: number;
  failed: number;
  /** rules (ids) without any case, defined in a rule file that has no test file */
  untested: string[];
}

export interface RuleTestOptions {
  /** rule files loaded before `files` (e.g. the built-in pack under a user's overrides); not coverage-checked */
  context?: readonly RuleFileInput[];
  /** every rule needs cases, even in a rule file without a test file (the built-in pack) */
  requireTests?: boolean;
}

/** `x.yaml` and `x.tests.yaml` -> `x` (a rule file and its test file share it) */
const stem = (path: string) => path.replace(/(\.tests)?\.ya?ml$/, '');

function findRule(rs: RuleSet, ref: string): RuleInfo | undefined {
  return rs.rules.find((r) => r.id === ref) ?? rs.rules.find((r) => r.name === ref);
}

function judge(tc: RuleTestCase, alerts: CaseAlert[]): string | undefined {
  const n = alerts.length;
  const first = alerts[0] ? ` (first: ${alerts[0].title})` : '';
  if (tc.count !== undefined && n !== tc.count) return `expected exactly ${tc.count} alert(s), got ${n}${first}`;
  if (tc.expect === 'fire' && n === 0) return 'expected the rule to fire, it did not';
  if (tc.expect === 'quiet' && n > 0) return `expected no alert, got ${n}${first}`;
  return undefined;
}

function runCase(rs: RuleSet, rule: RuleInfo, tc: RuleTestCase): CaseResult {
  const base = { where: tc.where, rule: rule.id, name: tc.name, expect: tc.expect };
  let events;
  try {
    events = buildCaseEvents(tc);
  } catch (e) {
    return { ...base, status: 'fail', reason: `bad test event: ${(e as Error).message}`, alerts: [] };
  }
  const ev = createCaseEvaluator(rs);
  const alerts: CaseAlert[] = [];
  for (const e of events) alerts.push(...ev.push(e));
  const end = Math.max(tc.until ?? 0, events.at(-1)?.ts ?? tc.start);
  alerts.push(...ev.finish(end));
  const mine = alerts.filter((a) => a.ruleId === rule.id);
  const reason = judge(tc, mine);
  return reason === undefined ? { ...base, status: 'pass', alerts: mine } : { ...base, status: 'fail', reason, alerts: mine };
}

export function runRuleTests(files: readonly RuleFileInput[], opts: RuleTestOptions = {}): RuleTestReport {
  const ruleFiles = files.filter((f) => !isTestFile(f.path));
  const testFiles = files.filter((f) => isTestFile(f.path));
  const report: RuleTestReport = { ok: false, rules: 0, results: [], problems: [], passed: 0, failed: 0, untested: [] };
  const withTests = new Set(testFiles.map((f) => stem(f.path)));
  let rs: RuleSet;
  try {
    rs = loadRuleFiles([...(opts.context ?? []), ...ruleFiles]);
  } catch (e) {
    report.problems.push({ where: 'rules', message: (e as Error).message });
    return report;
  }
  const tested = new Set(ruleFiles.map((f) => f.path));
  const own = rs.rules.filter((r) => tested.has(r.location.path));
  report.rules = own.length;
  const cases: RuleTestCase[] = [];
  for (const f of testFiles) {
    const parsed = parseTestFile(f.path, f.text);
    cases.push(...parsed.cases);
    report.problems.push(...parsed.errors);
  }
  const seen = new Map<string, Set<string>>();
  for (const tc of cases) {
    const rule = findRule(rs, tc.rule);
    if (!rule) {
      report.problems.push({ where: tc.where, message: `test '${tc.name}': no rule with id or name '${tc.rule}'` });
      continue;
    }
    const kinds = seen.get(rule.id) ?? new Set<string>();
    kinds.add(tc.expect);
    seen.set(rule.id, kinds);
    const r = runCase(rs, rule, tc);
    report.results.push(r);
    report[r.status === 'pass' ? 'passed' : 'failed']++;
  }
  for (const r of own) {
    const kinds = seen.get(r.id);
    if (!kinds && !opts.requireTests && !withTests.has(stem(r.location.path))) {
      report.untested.push(r.id);
      continue;
    }
    for (const k of ['fire', 'quiet'] as const) {
      if (!kinds?.has(k)) {
        const where = `${r.location.path}:${r.location.line}`;
        report.problems.push({ where, message: `rule '${r.id}' has no '${k === 'fire' ? 'expect: fire' : 'expect: quiet'}' test case` });
      }
    }
  }
  report.ok = report.failed === 0 && report.problems.length === 0;
  return report;
}
