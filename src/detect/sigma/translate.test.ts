/**
 * The Sigma detection language on small hand-written rules: modifiers, wildcards, null,
 * keywords, conditions; the text the importer emits, its behaviour in the engine, and the
 * reasons it gives for what it refuses.
 */
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../core/index.ts';
import { loadRuleFiles } from '../index.ts';
import { importSigma } from './index.ts';
import { azure, gke, k8s } from './sample-events.ts';

function rule(detection: string, logsource = 'product: kubernetes\n    service: audit', extra = ''): string {
  return `title: Test Rule\nid: 11111111-2222-3333-4444-555555555555\nauthor: Jane Doe (@jd), 50% Team\nlevel: high\n${extra}logsource:\n    ${logsource}\ndetection:\n${detection}\n`;
}

function imp(detection: string, logsource?: string, extra?: string) {
  const r = importSigma(rule(detection, logsource, extra), 'test.yml');
  if (!r.ok) throw new Error(r.reason);
  return r;
}

function fires(detection: string, ev: LogEvent, logsource?: string): boolean {
  const rs = loadRuleFiles([{ path: 't.yaml', text: imp(detection, logsource).ruleYaml }]);
  return rs.evaluate(ev).length === 1;
}

function reason(detection: string, logsource?: string, extra?: string): string {
  const r = importSigma(rule(detection, logsource, extra), 'test.yml');
  if (r.ok) throw new Error(`unexpectedly translated: ${r.rule.condition}`);
  return r.reason;
}

const get = (ns: string, name: string, extra: Record<string, unknown> = {}) => k8s('get', { resource: 'secrets', namespace: ns, name }, extra);

describe('Sigma translation', () => {
  it('keeps metadata: priority, MITRE tags, author in output and tags, % made literal', () => {
    const r = imp('    sel:\n        verb: get\n    condition: sel', undefined, 'tags:\n    - attack.t1552.007\n    - attack.credential-access\n    - cve.2021-25741\n');
    expect(r.rule.priority).toBe('ERROR');
    expect(r.rule.tags).toEqual(['sigma', 'T1552.007', 'mitre_credential_access', 'cve.2021-25741', 'sigma.id:11111111-2222-3333-4444-555555555555', 'sigma.author:Jane Doe (@jd), 50% Team', 'sigma.license:DRL-1.1']);
    expect(r.rule.output).toMatch(/\[Sigma rule 11111111-2222-3333-4444-555555555555 by Jane Doe \(@jd\), 50％ Team, DRL 1\.1\]$/);
    const rs = loadRuleFiles([{ path: 't.yaml', text: r.ruleYaml }]);
    expect(rs.rules[0]!.priority).toBe('ERROR');
    expect(rs.evaluate(get('a', 'b'))[0]!.title).toContain('by Jane Doe (@jd), 50％ Team');
  });

  it('matches strings case-insensitively by default and case-sensitively with |cased', () => {
    expect(imp('    sel:\n        user.username: Alice@Example.com\n    condition: sel').rule.condition).toBe("tolower(ka.user.name) = 'alice@example.com'");
    expect(fires('    sel:\n        user.username: Alice@Example.com\n    condition: sel', get('a', 'b'))).toBe(true);
    expect(fires('    sel:\n        user.username|cased: Alice@Example.com\n    condition: sel', get('a', 'b'))).toBe(false);
    expect(imp('    sel:\n        verb: GET\n    condition: sel').rule.condition).toBe("ka.verb = 'get'");
  });

  it('supports contains / startswith / endswith / all / wildcards / escapes', () => {
    expect(imp("    sel:\n        userAgent|contains|all: ['kubectl', 'linux']\n    condition: sel").rule.condition).toBe("ka.useragent icontains allof ('kubectl', 'linux')");
    expect(fires("    sel:\n        userAgent|contains|all: ['KUBECTL', 'linux']\n    condition: sel", get('a', 'b'))).toBe(true);
    expect(fires("    sel:\n        userAgent|contains|all: ['kubectl', 'windows']\n    condition: sel", get('a', 'b'))).toBe(false);
    expect(fires("    sel:\n        objectRef.name|startswith: DB-\n    condition: sel", get('a', 'db-creds'))).toBe(true);
    expect(fires("    sel:\n        objectRef.name|endswith: '-creds'\n    condition: sel", get('a', 'db-creds'))).toBe(true);
    expect(imp("    sel:\n        objectRef.name: 'db-*-v?'\n    condition: sel").rule.condition).toBe("ka.target.name iglob 'db-*-v?'");
    expect(fires("    sel:\n        objectRef.name: 'DB-*-v?'\n    condition: sel", get('a', 'db-main-v2'))).toBe(true);
    expect(fires("    sel:\n        objectRef.name: 'db-*-v?'\n    condition: sel", get('a', 'db-main-v22'))).toBe(false);
    expect(fires("    sel:\n        objectRef.name: 'a\\*b'\n    condition: sel", get('a', 'a*b'))).toBe(true);
    expect(fires("    sel:\n        objectRef.name: 'a\\*b'\n    condition: sel", get('a', 'axxb'))).toBe(false);
  });

  it('supports |re (and |re|i), |cidr, |exists, null, numbers and |lt/|gte, |neq', () => {
    expect(fires("    sel:\n        requestURI|re: 'secrets/db-[a-z]+$'\n    condition: sel", get('a', 'db-creds'))).toBe(true);
    expect(fires("    sel:\n        requestURI|re: 'SECRETS/db'\n    condition: sel", get('a', 'db-creds'))).toBe(false);
    expect(fires("    sel:\n        requestURI|re|i: 'SECRETS/db'\n    condition: sel", get('a', 'db-creds'))).toBe(true);
    expect(fires('    sel:\n        sourceIPs|cidr: 192.0.2.0/28\n    condition: sel', get('a', 'b'))).toBe(true);
    expect(fires('    sel:\n        sourceIPs|cidr: 192.0.2.16/28\n    condition: sel', get('a', 'b'))).toBe(false);
    expect(fires('    sel:\n        sourceIPs|cidr: 192.0.0.0/16\n    condition: sel', get('a', 'b'))).toBe(true);
    expect(fires('    sel:\n        impersonatedUser.username|exists: false\n    condition: sel', get('a', 'b'))).toBe(true);
    expect(fires('    sel:\n        impersonatedUser.username: null\n    condition: sel', get('a', 'b'))).toBe(true);
    expect(fires('    sel:\n        objectRef.namespace|exists: true\n    condition: sel', get('a', 'b'))).toBe(true);
    expect(fires('    sel:\n        responseStatus.code|gte: 200\n        responseStatus.code|lt: 300\n    condition: sel', get('a', 'b'))).toBe(true);
    expect(fires('    sel:\n        responseStatus.code|gte: 400\n    condition: sel', get('a', 'b'))).toBe(false);
    expect(fires('    sel:\n        verb|neq: get\n    condition: sel', get('a', 'b'))).toBe(false);
  });

  it('supports keywords (full text on the message) and lists of maps', () => {
    expect(imp("    keywords:\n        - 'db-creds'\n    condition: keywords").rule.condition).toBe("message icontains 'db-creds'");
    expect(fires("    keywords:\n        - 'DB-CREDS'\n    condition: keywords", get('a', 'db-creds'))).toBe(true);
    const lm = '    sel:\n        - verb: delete\n        - objectRef.namespace: kube-system\n    condition: sel';
    expect(fires(lm, get('kube-system', 'x'))).toBe(true);
    expect(fires(lm, get('default', 'x'))).toBe(false);
  });

  it('supports conditions: and not, 1 of pattern, all of them, 1 of them, parentheses', () => {
    const d = (cond: string) =>
      `    sel_a:\n        verb: get\n    sel_b:\n        objectRef.resource: secrets\n    filter:\n        objectRef.namespace: kube-system\n    _aux:\n        verb: delete\n    condition: ${cond}`;
    expect(fires(d('sel_a and not filter'), get('default', 'x'))).toBe(true);
    expect(fires(d('sel_a and not filter'), get('kube-system', 'x'))).toBe(false);
    expect(fires(d('all of sel_* and not 1 of filter*'), get('default', 'x'))).toBe(true);
    expect(fires(d('all of them'), get('kube-system', 'x'))).toBe(true);
    expect(fires(d('all of them'), get('default', 'x'))).toBe(false);
    expect(fires(d('1 of them'), get('default', 'x'))).toBe(true);
    expect(fires(d('_aux or (filter and not sel_a)'), get('kube-system', 'x'))).toBe(false);
    expect(fires(d('not (_aux or filter) and sel_b'), get('default', 'x'))).toBe(true);
    expect(imp(d('sel_a and not filter')).rule.condition).toBe("ka.verb = 'get' and not ka.target.namespace = 'kube-system'");
  });

  it('maps the SigmaHQ field quirks and GCP method names', () => {
    expect(imp("    sel:\n        hostPath: '*'\n    condition: sel").rule.condition).toBe('ka.req.pod.volumes.hostpath exists');
    expect(imp('    sel:\n        responseStatus.code: ALLOW\n    condition: sel').rule.condition).toBe("ka.auth.decision = 'allow'");
    const gcp = 'product: gcp\n    service: gcp.audit';
    expect(fires("    sel:\n        gcp.audit.method_name|startswith: 'io.k8s.core.v1.secrets.'\n    condition: sel", gke('io.k8s.core.v1.secrets.get', 'core/v1/namespaces/a/secrets/b'), gcp)).toBe(true);
    expect(fires("    sel:\n        gcp.audit.method_name|endswith: '.pods.exec.create'\n    condition: sel", gke('io.k8s.core.v1.pods.exec.create', 'core/v1/namespaces/a/pods/web-0/exec'), gcp)).toBe(true);
    expect(fires("    sel:\n        gcp.audit.method_name|contains: 'secrets'\n    condition: sel", gke('io.k8s.core.v1.secrets.get', 'core/v1/namespaces/a/secrets/b'), gcp)).toBe(true);
    expect(fires("    sel:\n        gcp.audit.method_name|contains: 'configmaps'\n    condition: sel", gke('io.k8s.core.v1.secrets.get', 'core/v1/namespaces/a/secrets/b'), gcp)).toBe(false);
    expect(reason("    sel:\n        gcp.audit.method_name: 'v1.compute.instances.insert'\n    condition: sel", gcp)).toMatch(/cannot be mapped onto the stored audit Event fields: no API version segment/);
    expect(reason('    sel:\n        gcp.audit.resource_name: x\n    condition: sel', gcp)).toMatch(/GCP field 'gcp.audit.resource_name' is not kept/);
  });

  it('matches Azure operationName in both record shapes', () => {
    const ls = 'product: azure\n    service: activitylogs';
    const d = '    sel:\n        operationName: MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE\n    condition: sel';
    expect(fires(d, azure({ value: 'Microsoft.Kubernetes/connectedClusters/pods/delete', localizedValue: 'Delete pod' }), ls)).toBe(true);
    expect(fires(d, azure('MICROSOFT.KUBERNETES/CONNECTEDCLUSTERS/PODS/DELETE'), ls)).toBe(true);
  });

  it('refuses what it cannot translate, with the reason', () => {
    expect(reason('    sel:\n        verb|base64offset|contains: x\n    condition: sel')).toBe("detection 'sel': 'verb|base64offset|contains': modifier 'base64offset' is not supported");
    expect(reason('    sel:\n        verb: get\n    condition: sel | count() by user.username > 5')).toMatch(/aggregation expressions .* are not supported/);
    expect(reason('    sel:\n        verb: get\n    condition: sel and other')).toBe("condition 'sel and other': unknown search identifier 'other'");
    expect(reason('    sel:\n        EventID: 4688\n    condition: sel', 'product: windows\n    service: security')).toMatch(/logsource .* is not supported/);
    expect(reason("    sel:\n        sourceIPs|cidr: '2001:db8::/32'\n    condition: sel")).toMatch(/only IPv4 CIDR/);
    expect(reason("    sel:\n        requestURI|re|m: '^x'\n    condition: sel")).toMatch(/no multi-line/);
    const noAuthor = importSigma('title: T\nid: x\nlogsource:\n    product: kubernetes\n    service: audit\ndetection:\n    s:\n        verb: get\n    condition: s\n', 'x.yml');
    expect(noAuthor).toEqual({ ok: false, reason: "missing 'author' (DRL 1.1 requires the author to be kept)" });
  });
});
