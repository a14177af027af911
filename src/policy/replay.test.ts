import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWithSamples, samplePath } from '../../test/helpers/samples.ts';
import { loadPolicy } from './parse.ts';
import { attributesFromEvent, parseEventsText, replayEvents } from './replay.ts';

/** a Falco trace file (`falco-<name>.json` -> ../shared/samples/falco-k8saudit/trace_files/k8s_audit/<name>.json) */
const fixture = (name: string): string => readFileSync(samplePath('falco-k8saudit/trace_files/k8s_audit', name.replace(/^falco-/, '')), 'utf8');
const TRACES = 'falco-k8saudit/trace_files/k8s_audit';
const bytes = (s: string): number => Buffer.byteLength(s) + 1;

describeWithSamples(TRACES, 'attributesFromEvent', () => {
  it('derives resource attributes from objectRef', () => {
    const [e] = parseEventsText(fixture('falco-exec_pod.json'));
    expect(attributesFromEvent(e)).toEqual({
      verb: 'create', user: 'minikube-user', groups: ['system:masters', 'system:authenticated'], resourceRequest: true,
      apiGroup: '', resource: 'pods', subresource: 'exec', namespace: 'default', name: 'nginx-deployment-7998647bdf-phvq7',
    });
    const [crb] = parseEventsText(fixture('falco-create_clusterrolebinding.json'));
    expect(attributesFromEvent(crb)).toMatchObject({ apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', namespace: '' });
  });
  it('derives the path of non-resource requests and the group of v1beta1-era objectRefs', () => {
    expect(attributesFromEvent({ verb: 'get', requestURI: '/healthz?verbose=1', user: { username: 'u' } })).toEqual({ verb: 'get', user: 'u', groups: [], resourceRequest: false, path: '/healthz' });
    expect(attributesFromEvent({ verb: 'get', objectRef: { resource: 'deployments', apiVersion: 'apps/v1' } })?.apiGroup).toBe('apps');
    expect(attributesFromEvent({ kind: 0 })).toBeUndefined();
  });
});

describe('replayEvents: hand-computed sizes', () => {
  const ev = { kind: 'Event', level: 'RequestResponse', stage: 'ResponseComplete', verb: 'create', user: { username: 'a' }, objectRef: { resource: 'configmaps', namespace: 'd' }, requestObject: { x: 1 }, responseObject: { y: 2 } };
  const meta = '{"kind":"Event","level":"Metadata","stage":"ResponseComplete","verb":"create","user":{"username":"a"},"objectRef":{"resource":"configmaps","namespace":"d"}}';
  const req = '{"kind":"Event","level":"Request","stage":"ResponseComplete","verb":"create","user":{"username":"a"},"objectRef":{"resource":"configmaps","namespace":"d"},"requestObject":{"x":1}}';
  const full = '{"kind":"Event","level":"RequestResponse","stage":"ResponseComplete","verb":"create","user":{"username":"a"},"objectRef":{"resource":"configmaps","namespace":"d"},"requestObject":{"x":1},"responseObject":{"y":2}}';
  it.each([
    ['Metadata', meta],
    ['Request', req],
    ['RequestResponse', full],
  ])('at %s', (level, line) => {
    const r = replayEvents(loadPolicy(`apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: ${level}\n`), [ev, ev]);
    expect(r.rules).toEqual([{ rule: 0, line: 4, level, matched: 2, kept: 2, droppedByStage: 0, bytes: 2 * bytes(line) }]);
    expect(r.total).toMatchObject({ events: 2, kept: 2, bytes: 2 * bytes(line), inputBytes: 2 * bytes(full) });
  });
  it('drops omitted stages and managedFields', () => {
    const started = { ...ev, stage: 'ResponseStarted', requestObject: { metadata: { name: 'n', managedFields: [{ manager: 'kubectl' }] } } };
    const p = loadPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitManagedFields: true\nrules:\n- level: Request\n  omitStages: [ResponseStarted]\n');
    const r = replayEvents(p, [ev, started, { ...started, stage: 'ResponseComplete' }]);
    const kept = '{"kind":"Event","level":"Request","stage":"ResponseComplete","verb":"create","user":{"username":"a"},"objectRef":{"resource":"configmaps","namespace":"d"},"requestObject":{"metadata":{"name":"n"}}}';
    expect(r.rules[0]).toMatchObject({ matched: 3, kept: 2, droppedByStage: 1, bytes: bytes(req) + bytes(kept) });
  });
});

describeWithSamples(TRACES, 'replayEvents on Falco sample events', () => {
  const events = ['falco-create_secret.json', 'falco-create_configmap.json', 'falco-exec_pod.json', 'falco-create_clusterrolebinding.json'].flatMap((f) => parseEventsText(fixture(f)));
  const policy = loadPolicy(`apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  resources:
  - group: ""
    resources: [secrets, configmaps]
- level: Request
  omitStages: [ResponseStarted]
  resources:
  - group: ""
    resources: ["pods/exec"]
- level: None
  resources:
  - group: rbac.authorization.k8s.io
`);
  const report = replayEvents(policy, [...events, { kind: 0 }]);

  it('counts per rule', () => {
    expect(events).toHaveLength(4);
    expect(report.rules.map((r) => [r.rule, r.level, r.matched, r.kept, r.droppedByStage])).toEqual([
      [0, 'Metadata', 2, 2, 0],
      [1, 'Request', 1, 0, 1],
      [2, 'None', 1, 0, 0],
    ]);
    expect(report.total).toMatchObject({ events: 4, skipped: 1, kept: 2 });
  });
  it('sizes the kept events as written at Metadata', () => {
    const cm = JSON.parse(fixture('falco-create_configmap.json')) as Record<string, unknown>;
    const secret = JSON.parse(fixture('falco-create_secret.json')) as Record<string, unknown>;
    delete cm.requestObject;
    delete cm.responseObject;
    cm.level = 'Metadata';
    const want = bytes(JSON.stringify(cm)) + bytes(JSON.stringify(secret));
    expect(report.rules[0]?.bytes).toBe(want);
    expect(report.total.bytes).toBe(want);
    expect(report.total.bytes).toBeLessThan(report.total.inputBytes);
  });
});

describe('parseEventsText', () => {
  it('reads JSON lines, arrays and EventLists', () => {
    expect(parseEventsText('{"verb":"get"}\n\n{"verb":"list"}\n')).toHaveLength(2);
    expect(parseEventsText('[{"verb":"get"},{"verb":"list"}]')).toHaveLength(2);
    expect(parseEventsText('{"kind":"EventList","items":[{"verb":"get"}]}')).toEqual([{ verb: 'get' }]);
    expect(parseEventsText('{"verb":"get"}\nnot json\n')).toEqual([{ verb: 'get' }, undefined]);
  });
});
