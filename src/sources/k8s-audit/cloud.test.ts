/** Every managed-Kubernetes sample: GKE LogEntries (positive / negative), AKS records and JSON guard, EKS CloudWatch. */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeWithSamples, samplePath } from '../../../test/helpers/samples.ts';
import { decodeAuditPayload, isValidJsonLog, parseMethodName } from './index.ts';

const CLOUD = 'falco-k8saudit-cloud';
/** GKE samples sit under gke/khi-test-logs/ in ../shared/samples */
const at = (p: string): string => samplePath(CLOUD, p.replace(/^gke\//, 'gke/khi-test-logs/'));
const read = (p: string): string => readFileSync(at(p), 'utf8');
const json = (p: string): any => JSON.parse(read(p));
const jsonFiles = (dir: string): string[] => readdirSync(at(dir)).filter((f) => f.endsWith('.json')).sort();

describeWithSamples(`${CLOUD}/gke/khi-test-logs`, 'GKE Cloud Logging LogEntry', () => {
  const positives = jsonFiles('gke/k8s_audit/');
  const negatives = jsonFiles('gke/gke_audit/');

  it('has 3 positive and 9 negative samples', () => {
    expect(positives).toHaveLength(3);
    expect(negatives).toHaveLength(9);
  });

  for (const f of positives) {
    it(`converts ${f}`, () => {
      const entry = json(`gke/k8s_audit/${f}`);
      const pp = entry.protoPayload;
      const r = decodeAuditPayload(read(`gke/k8s_audit/${f}`), { receivedAt: 1 });
      expect(r.format).toBe('gke');
      expect(r.errors).toEqual([]);
      expect(r.events).toHaveLength(1);
      const ev = r.events[0]!;
      const segs: string[] = pp.methodName.split('.');
      const vi = segs.indexOf('v1');
      const tail = segs.slice(vi + 1);
      const rn: string[] = pp.resourceName.split('/');
      expect(ev.source).toBe('k8s_audit');
      expect(ev.verb).toBe(tail[tail.length - 1]);
      expect(ev.resource).toBe(tail[0]);
      expect(ev.subresource).toBe(tail.length > 2 ? tail[1] : undefined);
      expect(ev.apiGroup).toBe(rn[0] === 'core' ? undefined : rn[0]);
      expect(ev.objectNamespace).toBe(rn[3]);
      expect(ev.namespace).toBe(rn[3]);
      expect(ev.objectName).toBe(rn[5]);
      expect(ev.user).toBe(pp.authenticationInfo.principalEmail);
      expect(ev.sourceIp).toBe(pp.requestMetadata.callerIp);
      expect(ev.userAgent).toBe(pp.requestMetadata.callerSuppliedUserAgent);
      expect(ev.cluster).toBe(entry.resource.labels.cluster_name);
      expect(ev.auditId).toBe(entry.insertId);
      expect(ev.ts).toBe(Date.parse(entry.timestamp));
      expect(ev.code).toBe(pp.status.code === 0 ? (ev.verb === 'create' ? 201 : 200) : undefined);
      expect(ev.decision).toBe(entry.labels['authorization.k8s.io/decision']);
      // attrs is an audit.k8s.io/v1 Event so Falco-style rules read it like a native one
      const a = ev.attrs as any;
      expect(a.kind).toBe('Event');
      expect(a.apiVersion).toBe('audit.k8s.io/v1');
      expect(a.objectRef).toMatchObject({ resource: ev.resource, namespace: ev.objectNamespace, name: ev.objectName });
      expect(a.requestObject).toEqual(pp.request);
      // over the network the payload's own claim is ignored
      const net = decodeAuditPayload(read(`gke/k8s_audit/${f}`), { receivedAt: 1, format: 'gke', untrustedEnvelope: true });
      expect(net.events[0]!.cluster).toBeUndefined();
      // a caller-authenticated cluster wins over the LogEntry label
      const own = decodeAuditPayload(read(`gke/k8s_audit/${f}`), { receivedAt: 1, cluster: 'mine', format: 'gke' });
      expect(own.events[0]!.cluster).toBe('mine');
    });
  }

  for (const f of negatives) {
    it(`skips ${f} (serviceName ${'container.googleapis.com'})`, () => {
      const r = decodeAuditPayload(read(`gke/gke_audit/${f}`), { receivedAt: 1 });
      expect(r.events).toEqual([]);
      expect(r.errors).toEqual([]);
      expect(r.skipped).toHaveLength(1);
      expect(r.skipped[0]!.reason).toContain('container.googleapis.com');
    });
  }

  it('reads arrays, entries lists, NDJSON and Pub/Sub push bodies of LogEntries', () => {
    const all = [...positives.map((f) => json(`gke/k8s_audit/${f}`)), ...negatives.map((f) => json(`gke/gke_audit/${f}`))];
    const shapes = [
      JSON.stringify(all),
      JSON.stringify({ entries: all }),
      all.map((e) => JSON.stringify(e)).join('\n'),
    ];
    for (const body of shapes) {
      const r = decodeAuditPayload(body, { receivedAt: 1 });
      expect(r.events).toHaveLength(3);
      expect(r.skipped).toHaveLength(9);
      expect(r.errors).toEqual([]);
    }
    const push = { message: { data: Buffer.from(JSON.stringify(all[0])).toString('base64'), messageId: '1' }, subscription: 'projects/p/subscriptions/s' };
    const r = decodeAuditPayload(JSON.stringify(push), { receivedAt: 1, format: 'gke' });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]!.verb).toBe('create');
  });

  it('maps method names, gRPC status codes and required fields', () => {
    expect(parseMethodName('io.k8s.core.v1.secrets.get')).toEqual({ verb: 'get', apiGroup: '', apiVersion: 'v1', resource: 'secrets' });
    expect(parseMethodName('io.k8s.authorization.rbac.v1.clusterrolebindings.create').apiGroup).toBe('rbac.authorization.k8s.io');
    expect(parseMethodName('io.k8s.apps.v1.deployments.scale.update')).toMatchObject({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale', verb: 'update' });
    const base = json('gke/k8s_audit/container_recorder_test_1_2.json');
    const denied = structuredClone(base);
    denied.insertId = 'denied-1';
    denied.protoPayload.methodName = 'io.k8s.core.v1.secrets.get';
    denied.protoPayload.resourceName = 'core/v1/namespaces/payments/secrets/db-creds';
    denied.protoPayload.status = { code: 7, message: 'PERMISSION_DENIED' };
    const exec = structuredClone(base);
    exec.insertId = 'exec-1';
    exec.protoPayload.methodName = 'io.k8s.core.v1.pods.exec.create';
    exec.protoPayload.resourceName = 'core/v1/namespaces/default/pods/web-0/exec';
    delete exec.protoPayload.status;
    const noId = structuredClone(base);
    delete noId.insertId;
    const r = decodeAuditPayload(JSON.stringify([denied, noId, exec]), { receivedAt: 1 });
    expect(r.errors).toEqual([{ index: 1, field: 'insertId', message: 'insertId is required' }]);
    expect(r.events.map((e) => [e.verb, e.resource, e.subresource, e.objectNamespace, e.objectName, e.code, e.severityText])).toEqual([
      ['get', 'secrets', undefined, 'payments', 'db-creds', 403, 'WARN'],
      ['create', 'pods', 'exec', 'default', 'web-0', 101, 'INFO'],
    ]);
    expect(r.events[1]!.stage).toBe('ResponseStarted');
  });
});

describeWithSamples(`${CLOUD}/aks`, 'AKS diagnostic records', () => {
  it('decodes the kube-audit record and keeps the klog record as a plain control-plane event', () => {
    const body = read('aks/aks_eventhub_diagnostic_records.json');
    const inner = json('aks/aks_kube_audit_inner_event.json');
    const r = decodeAuditPayload(body, { receivedAt: 1 });
    expect(r.format).toBe('aks');
    expect(r.errors).toEqual([]);
    expect(r.events).toHaveLength(2);
    const [audit, klog] = r.events;
    expect(audit!.source).toBe('k8s_audit');
    expect(audit!.attrs).toEqual(inner);
    expect(audit!.auditId).toBe(inner.auditID);
    expect(audit!.user).toBe(inner.user.username);
    expect(audit!.apiGroup).toBe(inner.objectRef.apiGroup);
    expect(audit!.code).toBe(inner.responseStatus.code);
    expect(audit!.cluster).toBe('demo-aks');
    expect(klog!.source).toBe('aks_control_plane');
    expect(klog!.container).toBe('kube-controller-manager');
    expect(klog!.stream).toBe('stderr');
    expect(klog!.severityText).toBe('INFO');
    expect(klog!.message).toMatch(/^I0202 15:03:28.853066 .*Ensuring load balancer"$/);
    expect(klog!.auditId).toBeUndefined();
  });

  const cases: { name: string; input: string; isValidJSON: boolean }[] = json('aks/k8sauditaks_isValidJSON_cases.json');
  it('has the 10 JSON-guard cases', () => expect(cases).toHaveLength(10));
  for (const c of cases) {
    it(`JSON guard: ${c.name} → ${c.isValidJSON}`, () => {
      expect(isValidJsonLog(c.input)).toBe(c.isValidJSON);
    });
  }

  it('turns non-JSON kube-audit logs into per-record errors and keeps the neighbours', () => {
    const inner = read('aks/aks_kube_audit_inner_event.json');
    const rec = (log: string, category = 'kube-audit'): object => ({ category, resourceId: '/x/MANAGEDCLUSTERS/AKS-1', properties: { log } });
    const records = [rec(inner), ...cases.map((c) => rec(c.input)), rec(inner, 'kube-audit-admin')];
    const r = decodeAuditPayload(JSON.stringify({ records }), { receivedAt: 1, cluster: 'trusted' });
    // every not-JSON guard case is an error on properties.log at its record index
    const notJson = cases.map((c, i) => ({ ...c, index: i + 1 })).filter((c) => !c.isValidJSON);
    for (const c of notJson) expect(r.errors).toContainEqual({ index: c.index, field: 'properties.log', message: 'kube-audit record: properties.log is not JSON' });
    // the JSON ones are not audit events: {"kind":"Event"} lacks auditID
    for (const c of cases.filter((x) => x.isValidJSON)) {
      expect(r.errors.some((e) => e.index === cases.indexOf(c) + 1 && e.field === 'auditID')).toBe(true);
    }
    expect(r.events).toHaveLength(2);
    expect(r.events.every((e) => e.cluster === 'trusted' && e.source === 'k8s_audit')).toBe(true);
  });
});

describeWithSamples(`${CLOUD}/eks`, 'EKS CloudWatch Logs', () => {
  const filterBody = read('eks/eks_filterlogevents_response.CONSTRUCTED.json');
  const filter = JSON.parse(filterBody);
  const sub = json('eks/eks_cloudwatch_subscription_message.CONSTRUCTED.json');

  it('decodes FilterLogEvents output and reports the [Truncated...] message as an error', () => {
    const r = decodeAuditPayload(filterBody, { receivedAt: 1 });
    expect(r.format).toBe('eks');
    const complete = filter.events.filter((e: any) => !e.message.endsWith('[Truncated...]'));
    expect(complete).toHaveLength(5);
    expect(r.events).toHaveLength(5);
    r.events.forEach((ev, i) => {
      const raw = JSON.parse(complete[i].message);
      expect(ev.attrs).toEqual(raw);
      expect(ev.auditId).toBe(raw.auditID);
      expect(ev.verb).toBe(raw.verb);
      expect(ev.cluster).toBeUndefined();
    });
    expect(r.errors).toEqual([{ index: 5, field: 'message', message: 'message was truncated by CloudWatch Logs ([Truncated...])' }]);
  });

  it('decodes the subscription payload, cluster from the log group unless the caller names one', () => {
    const r = decodeAuditPayload(JSON.stringify(sub), { receivedAt: 1, format: 'eks' });
    expect(r.events).toHaveLength(sub.logEvents.length);
    r.events.forEach((ev, i) => {
      expect(ev.attrs).toEqual(JSON.parse(sub.logEvents[i].message));
      expect(ev.cluster).toBe('argus-sample');
    });
    const own = decodeAuditPayload(JSON.stringify(sub), { receivedAt: 1, cluster: 'prod' });
    expect(own.events.every((e) => e.cluster === 'prod' && e.dedupKey!.startsWith('k8s_audit:prod:'))).toBe(true);
  });

  it('reads authenticator lines as eks_authenticator events and skips other streams', () => {
    // Lines written for Argus in aws-iam-authenticator's logrus format (fictitious account and ARNs).
    const granted =
      'time="2024-05-01T10:00:00.123456Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/eks-admin" client="127.0.0.1:48720" groups="[system:masters]" method=POST path=/authenticate uid="aws-iam-authenticator:111122223333:AROAEXAMPLE" username="kubernetes-admin"';
    const denied =
      'time="2024-05-01T10:00:05Z" level=warning msg="access denied" arn="arn:aws:iam::111122223333:user/mallory" client="198.51.100.7:51000" error="ARN is not mapped" method=POST path=/authenticate';
    const body = {
      messageType: 'DATA_MESSAGE',
      logGroup: '/aws/eks/argus-sample/cluster',
      logStream: 'authenticator-0123456789abcdef',
      logEvents: [
        { id: '1', timestamp: 1714557600123, message: granted },
        { id: '2', timestamp: 1714557605000, message: denied },
      ],
    };
    const r = decodeAuditPayload(JSON.stringify(body), { receivedAt: 1 });
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => [e.source, e.user, e.decision, e.severityText, e.sourceIp, e.cluster])).toEqual([
      ['eks_authenticator', 'kubernetes-admin', 'allow', 'INFO', '127.0.0.1', 'argus-sample'],
      ['eks_authenticator', 'arn:aws:iam::111122223333:user/mallory', 'forbid', 'WARN', '198.51.100.7', 'argus-sample'],
    ]);
    expect(r.events[0]!.groups).toEqual(['system:masters']);
    expect(r.events[0]!.ts).toBe(Date.parse('2024-05-01T10:00:00.123Z'));
    expect(r.events[0]!.tsNanos).toBe(456000);
    expect(r.events[1]!.reason).toBe('ARN is not mapped');
    const other = { ...body, logStream: 'kube-scheduler-abc', logEvents: [{ id: '3', timestamp: 1, message: 'I0501 10:00:00.000000 1 scheduler.go:1] started' }] };
    const s = decodeAuditPayload(JSON.stringify(other), { receivedAt: 1 });
    expect(s.events).toEqual([]);
    expect(s.skipped).toHaveLength(1);
  });
});
