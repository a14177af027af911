import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/index.ts';
import { isArgusError } from '../core/index.ts';
import { auditLogEvent } from './audit-fixture.ts';
import { alertFromMatch, loadRuleFiles } from './index.ts';

const POD = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  auditID: 'a-1',
  stage: 'ResponseComplete',
  verb: 'create',
  requestURI: '/api/v1/namespaces/default/pods?dryRun=All&x=1',
  user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
  sourceIPs: ['10.0.0.1'],
  objectRef: { resource: 'pods', namespace: 'default', name: 'web' },
  responseStatus: { code: 201 },
  annotations: { 'authorization.k8s.io/decision': 'allow' },
  requestObject: {
    spec: {
      hostNetwork: true,
      containers: [
        { name: 'a', image: 'nginx:1.25', securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] } } },
        { name: 'b', image: 'registry.io/team/app@sha256:abc' },
      ],
      volumes: [{ name: 'v', hostPath: { path: '/var/run/docker.sock' } }, { name: 'e', emptyDir: {} }],
    },
  },
  stageTimestamp: '2024-01-02T03:04:05.123456Z',
};
const ev = (patch: Record<string, unknown> = {}): LogEvent => auditLogEvent({ ...POD, ...patch });

/** One rule with this condition, k8s_audit source; does it match the event? */
function matches(cond: string, event: LogEvent = ev(), extra = ''): boolean {
  const text = `${extra}\n- rule: r\n  desc: d\n  condition: ${JSON.stringify(cond)}\n  output: o\n  priority: INFO\n  source: k8s_audit\n`;
  return loadRuleFiles([{ path: 'r.yaml', text }]).evaluate(event).length === 1;
}

function loadError(text: string, path = 'bad.yaml'): string {
  try {
    loadRuleFiles([{ path, text }]);
  } catch (e) {
    if (isArgusError(e) && e.code === 'BAD_RULE') return e.message;
    throw e;
  }
  throw new Error('expected BAD_RULE');
}

describe('operators and ka.* fields', () => {
  it('compares strings', () => {
    expect(matches('ka.verb = create')).toBe(true);
    expect(matches('ka.verb != create')).toBe(false);
    expect(matches('ka.user.name contains lic')).toBe(true);
    expect(matches('ka.user.name icontains LIC')).toBe(true);
    expect(matches('ka.uri startswith /api/v1')).toBe(true);
    expect(matches('ka.uri endswith "x=1"')).toBe(true);
    expect(matches('ka.uri glob "/api/*/pods?*"')).toBe(true);
    expect(matches('ka.user.name iglob AL?CE')).toBe(true);
    expect(matches('ka.user.name regex "al.*"')).toBe(true);
    expect(matches('ka.user.name regex "li"')).toBe(false); // anchored both ends
    expect(matches('ka.response.code >= 200 and ka.response.code < 300')).toBe(true); // strcmp on strings
    expect(matches('ka.user.name bcontains 6c6963')).toBe(true);
    expect(matches('ka.uri pmatch (/api/v1/namespaces)')).toBe(true);
    expect(matches('ka.uri pmatch (/api/*/namespaces/default)')).toBe(true);
    expect(matches('ka.uri pmatch (/apis)')).toBe(false);
    expect(matches('ka.verb startswith anyof (up, cr)')).toBe(true);
    expect(matches('ka.verb startswith allof (up, cr)')).toBe(false);
  });

  it('treats a missing field as false for every operator, and exists', () => {
    expect(matches('ka.target.subresource exists')).toBe(false);
    expect(matches('ka.target.subresource != x')).toBe(false);
    expect(matches('not ka.target.subresource exists')).toBe(true);
  });

  it('has Falco semantics for list fields', () => {
    expect(matches('ka.req.pod.containers.image.repository in (nginx, registry.io/team/app)')).toBe(true);
    expect(matches('ka.req.pod.containers.image.repository in (nginx)')).toBe(false); // every value must be in
    expect(matches('ka.req.pod.containers.image.repository intersects (nginx)')).toBe(true);
    expect(matches('ka.req.pod.containers.privileged intersects (true)')).toBe(true);
    expect(matches('ka.req.pod.volumes.hostpath intersects (/var/run/docker.sock)')).toBe(true);
    expect(matches('ka.req.pod.containers.add_capabilities intersects (SYS_TIME)')).toBe(true);
    expect(matches('ka.user.groups intersects (dev)')).toBe(true);
    expect(matches('ka.req.pod.containers.image[1] = "registry.io/team/app@sha256:abc"')).toBe(true);
    expect(matches('ka.req.container.privileged = true and ka.req.pod.host_network = true')).toBe(true);
    expect(matches('ka.req.volume.hostpath[/var/run*] = true')).toBe(true);
    expect(matches('ka.uri.param[dryRun] = All')).toBe(true);
    expect(matches('ka.auth.decision = allow and ka.sourceips intersects (10.0.0.1)')).toBe(true);
  });

  it('reads jevt.* and Argus columns and attrs paths', () => {
    expect(matches('jevt.value[/objectRef/name] = web')).toBe(true);
    expect(matches('jevt.value[/requestObject/spec/containers/1/name] = b')).toBe(true);
    expect(matches('jevt.rawtime = 1704164645123456000')).toBe(true);
    expect(matches('user = alice and verb = create and code = 201 and code > 200')).toBe(true);
    expect(matches('groups intersects (dev)')).toBe(true);
    expect(matches('attrs.objectRef.namespace = default and attrs.responseStatus.code >= 201')).toBe(true);
    expect(matches('attrs.annotations[authorization.k8s.io/decision] = allow')).toBe(true);
  });

  it('expands lists (also lists inside lists) and macros', () => {
    const extra = `
- list: base
  items: [update]
- list: verbs
  items: [base, create, "two words"]
- macro: is_write
  condition: ka.verb in (verbs)
- macro: writes_pods
  condition: is_write and ka.target.resource = pods`;
    expect(matches('writes_pods', ev(), extra)).toBe(true);
    expect(matches('writes_pods', ev({ verb: 'update' }), extra)).toBe(true);
    expect(matches('writes_pods', ev({ verb: 'get' }), extra)).toBe(false);
    expect(matches('ka.verb in (verbs, delete)', ev({ verb: 'delete' }), extra)).toBe(true);
  });
});

describe('rule file errors carry file:line:column', () => {
  it('unknown field', () => {
    const msg = loadError('- rule: r\n  desc: d\n  condition: ka.verb = x and ka.nope = 1\n  output: o\n  priority: INFO\n  source: k8s_audit\n');
    expect(msg).toBe("bad.yaml:3:30: unknown field 'ka.nope'");
  });

  it('unknown field inside a folded macro condition used by a rule', () => {
    const msg = loadError(
      '- macro: m\n  condition: >\n    ka.verb = x and\n    ka.bogus exists\n- rule: r\n  desc: d\n  condition: m\n  output: o\n  priority: INFO\n  source: k8s_audit\n',
    );
    expect(msg).toBe("bad.yaml:4:5: unknown field 'ka.bogus'");
  });

  it('ka.* fields need the k8s_audit source', () => {
    expect(loadError('- rule: r\n  desc: d\n  condition: ka.verb = x\n  output: o\n  priority: INFO\n  source: container\n')).toMatch(
      /^bad\.yaml:3:14: field 'ka\.verb' is only available to rules with source k8s_audit/,
    );
  });

  it('cyclic and unknown macros', () => {
    const cyclic = '- macro: a\n  condition: ka.verb = x\n- macro: b\n  condition: a or ka.verb = y\n- macro: a\n  condition: b and ka.verb = z\n';
    expect(loadError(cyclic)).toMatch(/^bad\.yaml:4:14: reference loop in macro 'a' \(a -> b -> a\)/);
    expect(loadError('- macro: a\n  condition: ka.verb = x and nope\n')).toBe("bad.yaml:2:30: undefined macro 'nope' used in filter");
    // a macro only sees macros defined before it
    expect(loadError('- macro: a\n  condition: b\n- macro: b\n  condition: ka.verb = x\n')).toMatch(/^bad\.yaml:2:14: undefined macro 'b'/);
  });

  it('bad operator, YAML syntax, unknown key, bad priority, bad regex', () => {
    expect(loadError('- macro: a\n  condition: ka.verb like x\n')).toMatch(/^bad\.yaml:2:22: expected a valid check operator/);
    expect(loadError('- rule: [\n  x: y')).toMatch(/^bad\.yaml:2:3: YAML syntax error/);
    expect(loadError('- rule: r\n  desc: d\n  condition: ka.verb = x\n  output: o\n  priority: INFO\n  colour: red\n')).toBe("bad.yaml:6:3: unknown key 'colour' in rule");
    expect(loadError('- rule: r\n  desc: d\n  condition: ka.verb = x\n  output: o\n  priority: LOUD\n')).toBe("bad.yaml:5:13: invalid priority 'LOUD'");
    expect(loadError('- rule: r\n  desc: d\n  condition: ka.verb regex "(("\n  output: o\n  priority: INFO\n  source: k8s_audit\n')).toMatch(
      /^bad\.yaml:3:28: invalid regex pattern/,
    );
    expect(loadError('- rule: r\n  desc: d\n  condition: code = abc\n  output: o\n  priority: INFO\n  source: nginx\n')).toMatch(/is not a number/);
    expect(loadError('- rule: r\n  desc: d\n  condition: code = 1\n  output: "%ka.verb"\n  priority: INFO\n  source: nginx\n')).toMatch(
      /^bad\.yaml:4:13: field 'ka\.verb' is only available/,
    );
  });

  it('a bad file leaves an already loaded rule set working', () => {
    const good = { path: 'good.yaml', text: '- rule: r\n  desc: d\n  condition: ka.verb = create\n  output: o\n  priority: INFO\n  source: k8s_audit\n' };
    const rules = loadRuleFiles([good]);
    expect(() => loadRuleFiles([good, { path: 'bad.yaml', text: '- rule: r\n  append: true\n  condition: and and\n' }])).toThrow(/bad\.yaml/);
    expect(rules.evaluate(ev())).toHaveLength(1);
  });
});

describe('exceptions, append and override', () => {
  const base = `
- rule: Pod write
  desc: d
  condition: ka.verb in (create, update) and ka.target.resource = pods
  output: "%ka.user.name wrote %ka.target.name in %ka.target.namespace (%ka.req.pod.containers.image, %ka.target.subresource)"
  priority: WARNING
  source: k8s_audit
  tags: [k8s]
  exceptions:
    - name: trusted
      fields: [ka.user.name, ka.target.namespace]
      comps: [=, startswith]
      values:
        - [bob, kube-]
    - name: images
      fields: ka.req.pod.containers.image.repository
      comps: intersects
      values: [busybox]
`;
  const load = (...more: string[]) => loadRuleFiles([{ path: 'base.yaml', text: base }, ...more.map((text, i) => ({ path: `o${i}.yaml`, text }))]);

  it('matches and renders the output Falco-style', () => {
    const [m] = load().evaluate(ev());
    expect(m?.title).toBe('alice wrote web in default ((nginx:1.25,registry.io/team/app@sha256:abc), <NA>)');
    expect(m?.priority).toBe('WARNING');
    expect(m?.severity).toBe(13);
    const a = alertFromMatch(m!);
    expect(a).toMatchObject({ rule: 'Pod write', ruleId: 'pod-write', count: 1, auditIds: ['a-1'], severity: 13 });
    expect(a.labels).toMatchObject({ priority: 'WARNING', source: 'k8s_audit', user: 'alice', tags: 'k8s' });
  });

  it('tuple and single-field exceptions', () => {
    const rules = load();
    expect(rules.evaluate(ev({ user: { username: 'bob' }, objectRef: { resource: 'pods', namespace: 'kube-system' } }))).toHaveLength(0);
    expect(rules.evaluate(ev({ user: { username: 'bob' } }))).toHaveLength(1);
    const busy = { ...POD.requestObject, spec: { containers: [{ image: 'busybox:1' }] } };
    expect(rules.evaluate(ev({ requestObject: busy }))).toHaveLength(0);
  });

  it('append: true adds exception values and condition', () => {
    const rules = load(`
- rule: Pod write
  append: true
  exceptions:
    - name: trusted
      values:
        - [alice, def]
`);
    expect(rules.evaluate(ev())).toHaveLength(0);
    const rules2 = load('- rule: Pod write\n  append: true\n  condition: and ka.user.name != alice\n');
    expect(rules2.evaluate(ev())).toHaveLength(0);
  });

  it('override: append / replace', () => {
    const replaced = load(`
- rule: Pod write
  condition: ka.verb = delete
  priority: ERROR
  override:
    condition: replace
    priority: replace
`);
    expect(replaced.evaluate(ev())).toHaveLength(0);
    expect(replaced.evaluate(ev({ verb: 'delete' }))[0]?.priority).toBe('ERROR');
    const appended = load('- rule: Pod write\n  condition: and ka.user.name = bob\n  override:\n    condition: append\n');
    expect(appended.evaluate(ev())).toHaveLength(0);
    expect(() => load('- rule: Pod write\n  condition: x\n  output: y\n  override:\n    condition: append\n')).toThrow(
      /o0\.yaml:3:11: unexpected key 'output'/,
    );
    const macro = loadRuleFiles([
      {
        path: 'm.yaml',
        text: `- macro: m\n  condition: ka.verb = get\n- macro: m\n  condition: or ka.verb = create\n  override:\n    condition: append\n- list: l\n  items: [x]\n- list: l\n  items: [alice]\n  override:\n    items: append\n- rule: r\n  desc: d\n  condition: m and ka.user.name in (l)\n  output: o\n  priority: INFO\n  source: k8s_audit\n`,
      },
    ]);
    expect(macro.evaluate(ev())).toHaveLength(1);
  });

  it('enabled: false disables, and a later enabled-only item re-enables', () => {
    expect(load('- rule: Pod write\n  enabled: false\n').evaluate(ev())).toHaveLength(0);
    expect(load('- rule: Pod write\n  enabled: false\n', '- rule: Pod write\n  enabled: true\n').evaluate(ev())).toHaveLength(1);
  });
});

describe('stateful keys are reserved and validated', () => {
  const rule = (k: string) => `- rule: r\n  desc: d\n  condition: ka.verb = create\n  output: o\n  priority: INFO\n  source: k8s_audit\n  ${k}\n`;
  it('parses threshold / dedupe', () => {
    const rules = loadRuleFiles([{ path: 's.yaml', text: rule('threshold: {count: 5, window: 10m, by: [ka.user.name]}') }]);
    expect(rules.rules[0]?.stateful.threshold).toEqual({ count: 5, window: 600_000, by: ['ka.user.name'] });
  });
  it('rejects bad values with location', () => {
    expect(loadError(rule('threshold: {count: 0, window: 10m}'))).toMatch(/^bad\.yaml:7:14: threshold\.count/);
    expect(loadError(rule('dedupe: {window: soon}'))).toMatch(/^bad\.yaml:7:11: dedupe\.window/);
    expect(loadError(rule('dedupe: {window: 1m, by: [ka.nope]}'))).toMatch(/dedupe\.by: unknown field 'ka\.nope'/);
  });
});
