import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditEventToLogEvent, decodeAuditPayload, redactAuditEvent, redactText } from './index.ts';

const marker = (v: string): string => `[REDACTED sha256:${createHash('sha256').update(v).digest('hex').slice(0, 12)}]`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function event(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: 'a-1',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/payments/secrets',
    verb: 'create',
    user: { username: 'alice', groups: ['dev'] },
    sourceIPs: ['203.0.113.9'],
    objectRef: { resource: 'secrets', namespace: 'payments', name: 'db-creds', apiVersion: 'v1' },
    responseStatus: { code: 201 },
    requestReceivedTimestamp: '2024-05-01T10:00:00.000001Z',
    stageTimestamp: '2024-05-01T10:00:00.000002Z',
    ...extra,
  };
}

const PASSWORD = 'hunter2-very-secret';
const API_KEY = 'sk_live_plaintext_api_key';

function secret(apiVersion = 'v1'): Record<string, unknown> {
  const applied = JSON.stringify({ apiVersion, kind: 'Secret', metadata: { name: 'db-creds' }, data: { password: b64(PASSWORD) }, stringData: { apiKey: API_KEY } });
  return {
    kind: 'Secret',
    apiVersion,
    metadata: { name: 'db-creds', namespace: 'payments', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied } },
    type: 'Opaque',
    data: { password: b64(PASSWORD) },
    stringData: { apiKey: API_KEY },
  };
}

function leaks(v: unknown): string[] {
  const text = JSON.stringify(v);
  return [PASSWORD, b64(PASSWORD), API_KEY].filter((s) => text.includes(s));
}

describe('redaction', () => {
  it('never lets a created Secret appear in plain text anywhere in the LogEvent', () => {
    const input = event({ requestObject: secret(), responseObject: secret() });
    const before = JSON.stringify(input);
    const ev = auditEventToLogEvent(input, { cluster: 'c' });
    expect(leaks(ev)).toEqual([]);
    const a = ev.attrs as any;
    expect(a.requestObject.data.password).toBe(marker(b64(PASSWORD)));
    expect(a.requestObject.stringData.apiKey).toBe(marker(API_KEY));
    // equal secrets stay comparable
    expect(a.responseObject.data.password).toBe(a.requestObject.data.password);
    // the last-applied annotation is still JSON, redacted
    const applied = JSON.parse(a.requestObject.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    expect(applied.data.password).toBe(marker(b64(PASSWORD)));
    // the input object is not modified
    expect(JSON.stringify(input)).toBe(before);
    const r = decodeAuditPayload(JSON.stringify(input), { receivedAt: 1 });
    expect(r.redactions).toBe(8);
    expect(leaks(r)).toEqual([]);
  });

  it('redacts Secret kinds under any apiVersion, in Lists, kind-less list items and JSON patches', () => {
    const list = event({ verb: 'list', objectRef: { resource: 'secrets', namespace: 'payments' }, responseObject: { kind: 'SecretList', apiVersion: 'v1', items: [{ metadata: { name: 'x' }, data: { password: b64(PASSWORD) } }] } });
    const mixed = event({ objectRef: { resource: 'configmaps' }, requestObject: { kind: 'List', items: [secret('v2alpha1'), { kind: 'ConfigMap', data: { keep: 'visible' } }] } });
    const patch = event({ verb: 'patch', requestObject: [{ op: 'replace', path: '/data/password', value: b64(PASSWORD) }, { op: 'add', path: '/stringData', value: { apiKey: API_KEY } }] });
    const merge = event({ verb: 'patch', requestObject: { stringData: { apiKey: API_KEY } } });
    for (const e of [list, mixed, patch, merge]) expect(leaks(redactAuditEvent(e).value)).toEqual([]);
    expect((redactAuditEvent(mixed).value as any).requestObject.items[1].data.keep).toBe('visible');
  });

  it('redacts TokenRequest status.token and TokenReview spec.token', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl';
    const tr = event({
      objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'payments', name: 'app' },
      responseObject: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', status: { token: jwt, expirationTimestamp: '2024-05-01T11:00:00Z' } },
    });
    const review = event({ objectRef: { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io' }, requestObject: { kind: 'TokenReview', spec: { token: jwt } } });
    for (const e of [tr, review]) {
      const r = redactAuditEvent(e);
      expect(JSON.stringify(r.value)).not.toContain(jwt);
      expect(r.count).toBe(1);
    }
    expect((redactAuditEvent(tr).value as any).responseObject.status.token).toBe(marker(jwt));
  });

  it('redacts Authorization / Cookie headers in annotations, access_token in URIs and kubeconfig tokens', () => {
    const bearer = 'abcdef0123456789TOKEN';
    const e = event({
      objectRef: { resource: 'configmaps', namespace: 'kube-system', name: 'kubeconfig' },
      requestURI: `/api/v1/namespaces/kube-system/configmaps?access_token=${bearer}&limit=5`,
      annotations: {
        'authorization.k8s.io/decision': 'allow',
        'authorization.k8s.io/reason': 'RBAC: allowed',
        'example.com/request-headers': `Authorization: Bearer ${bearer}\nCookie: session=${bearer}`,
        'example.com/json': `{"Authorization":"Basic ${b64('u:p4ss-word')}"}`,
      },
      requestObject: { kind: 'ConfigMap', data: { config: `users:\n- name: admin\n  user:\n    token: ${bearer}\n    client-key-data: ${b64('KEY')}\n`, plain: 'password = not-yaml-kept' } },
    });
    const ev = auditEventToLogEvent(e);
    const text = JSON.stringify(ev);
    expect(text).not.toContain(bearer);
    expect(text).not.toContain(b64('u:p4ss-word'));
    expect(text).not.toContain(b64('KEY'));
    const a = ev.attrs as any;
    expect(a.annotations['authorization.k8s.io/decision']).toBe('allow');
    expect(ev.decision).toBe('allow');
    expect(a.requestURI).toContain('limit=5');
    expect(a.requestObject.data.plain).toBe('password = not-yaml-kept');
    expect(a.requestObject.data.config).toContain('token: [REDACTED sha256:');
  });

  it('redactText leaves ordinary text alone', () => {
    for (const s of ['RBAC: allowed by ClusterRoleBinding "x"', 'aws_access_key_id = MY-ID', 'kubectl/v1.17.3 (darwin/amd64)', 'Basic authentication is disabled', 'authorization:\n  mode: RBAC']) {
      expect(redactText(s)).toEqual({ text: s, count: 0 });
    }
  });
});

describe('redaction at any depth (iterative)', () => {
  function deepWith(n: number, leaf: Record<string, unknown>): Record<string, unknown> {
    let v: Record<string, unknown> = leaf;
    for (let i = 0; i < n; i++) v = { d: i % 2 === 0 ? v : [v] };
    return v;
  }
  function bottom(v: unknown): Record<string, unknown> {
    let cur = v as Record<string, unknown> | unknown[];
    for (;;) {
      const next = Array.isArray(cur) ? cur[0] : (cur as Record<string, unknown>).d;
      if (next === undefined) return cur as Record<string, unknown>;
      cur = next as Record<string, unknown>;
    }
  }

  it('redacts a credential 1,000,000 levels down, in place and as a copy, without overflowing the stack', () => {
    const ev = event({ requestObject: deepWith(1_000_000, { token: API_KEY, note: `Authorization: Bearer ${API_KEY}` }) });
    const copy = redactAuditEvent(ev);
    expect(copy.count).toBe(2);
    expect(bottom((copy.value as Record<string, unknown>).requestObject)).toEqual({ token: marker(API_KEY), note: `Authorization: ${marker(`Bearer ${API_KEY}`)}` });
    expect(bottom(ev.requestObject)).toMatchObject({ token: API_KEY }); // the copy left the input alone
    const inPlace = redactAuditEvent(ev, { inPlace: true });
    expect(inPlace.count).toBe(2);
    expect(bottom(ev.requestObject).token).toBe(marker(API_KEY));
  });

  it('redacts a Secret whose data value cannot be encoded (too deep for JSON.stringify) instead of keeping it', () => {
    const ev = event({ requestObject: { kind: 'Secret', data: { k: deepWith(100_000, { x: 1 }) } } });
    const r = redactAuditEvent(ev, { inPlace: true });
    expect(String((ev.requestObject as { data: { k: unknown } }).data.k)).toMatch(/^\[REDACTED sha256:/);
    expect(r.count).toBeGreaterThanOrEqual(1);
  });
});
