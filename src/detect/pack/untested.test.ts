/** `argus rules test` on imported rules: rules of a file without a test file are untested, not failures. */
import { describe, expect, it } from 'vitest';
import { importSigma, joinRuleFiles } from '../sigma/index.ts';
import { runRuleTests } from './rule-tests.ts';

const SIGMA = `title: Secret read by anyone
id: 11111111-2222-4333-8444-555555555555
status: test
description: reads of secrets
logsource: {category: application, product: kubernetes, service: audit}
detection:
  selection: {verb: get, objectRef.resource: secrets}
  condition: selection
author: Argus tests
level: medium
`;

describe('rule tests of an imported file', () => {
  const r = importSigma(SIGMA, 'secret.yml');
  if (!r.ok) throw new Error(r.reason);
  const file = { path: '/tmp/imported.yaml', text: joinRuleFiles([r.ruleYaml]) };

  it('a rule file without a test file: its rules are reported untested and the run passes', () => {
    const rep = runRuleTests([file]);
    expect(rep.ok).toBe(true);
    expect(rep.untested).toEqual(['11111111-2222-4333-8444-555555555555']);
    expect(rep.problems).toEqual([]);
  });

  it('with requireTests (the built-in pack), or with a test file that misses the rule, it is a problem', () => {
    expect(runRuleTests([file], { requireTests: true }).ok).toBe(false);
    const tests = { path: '/tmp/imported.tests.yaml', text: '[]\n' };
    const rep = runRuleTests([file, tests]);
    expect(rep.ok).toBe(false);
    expect(rep.untested).toEqual([]);
  });
});
