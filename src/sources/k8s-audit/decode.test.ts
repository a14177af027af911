import { describe, expect, it } from 'vitest';
import { isArgusError, MAX_ERRORS_KEPT } from '../../core/index.ts';
import { auditEventToLogEvent, decodeAuditPayload } from './index.ts';

function ev(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/payments/secrets/db-creds',
    verb: 'get',
    user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
    impersonatedUser: { username: 'bob' },
    sourceIPs: ['203.0.113.9', '10.0.0.1'],
    userAgent: 'kubectl/v1.30.0',
    objectRef: { resource: 'secrets', namespace: 'payments', name: 'db-creds', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2024-05-01T10:00:00.123456Z',
    stageTimestamp: '2024-05-01T10:00:00.223456Z',
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed' },
    ...extra,
  };
}

const CTX = { receivedAt: 1, cluster: 'prod' };

describe('audit Event versions', () => {
  it('accepts v1, v1beta1 and events without apiVersion, keeping their shape in attrs', () => {
    const v1 = ev('1');
    const beta = { ...ev('2', { apiVersion: 'audit.k8s.io/v1beta1', timestamp: '2024-05-01T10:00:00Z', metadata: { creationTimestamp: '2024-05-01T10:00:00Z' } }) };
    const old = ev('3', { timestamp: '2024-05-01T10:00:00Z', metadata: {} });
    delete old.apiVersion;
    const r = decodeAuditPayload([v1, beta, old].map((e) => JSON.stringify(e)).join('\n'), CTX);
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => e.attrs)).toEqual([v1, beta, old]);
  });

  it('normalizes one event into the promoted fields and a short message', () => {
    const e = auditEventToLogEvent(ev('x'), { cluster: 'prod' });
    expect(e).toMatchObject({
      source: 'k8s_audit',
      ts: Date.parse('2024-05-01T10:00:00.223Z'),
      tsNanos: 456000,
      cluster: 'prod',
      namespace: 'payments',
      user: 'alice',
      groups: ['dev', 'system:authenticated'],
      verb: 'get',
      resource: 'secrets',
      objectNamespace: 'payments',
      objectName: 'db-creds',
      code: 200,
      sourceIp: '203.0.113.9',
      userAgent: 'kubectl/v1.30.0',
      stage: 'ResponseComplete',
      auditId: 'x',
      decision: 'allow',
      reason: 'RBAC: allowed',
      impersonatedUser: 'bob',
      severityText: 'INFO',
      message: 'alice (as bob) get secrets payments/db-creds → 200',
      dedupKey: 'k8s_audit:prod:x:ResponseComplete',
    });
    expect(e.raw).toBeUndefined();
    expect(e.id).toBeUndefined();
    expect(e.receivedAt).toBeUndefined();
  });

  it('falls back to requestReceivedTimestamp, then timestamp; severity follows the code', () => {
    const a = ev('a', { stageTimestamp: undefined });
    const b = ev('b', { stageTimestamp: undefined, requestReceivedTimestamp: undefined, timestamp: '2018-10-25T14:09:12Z', responseStatus: { code: 403 } });
    const c = ev('c', { responseStatus: { code: 503 } });
    const d = ev('d', { responseStatus: undefined, stage: 'RequestReceived' });
    const out = [a, b, c, d].map((x) => auditEventToLogEvent(JSON.parse(JSON.stringify(x))));
    expect(out[0]!.ts).toBe(Date.parse('2024-05-01T10:00:00.123Z'));
    expect(out[1]!.ts).toBe(Date.parse('2018-10-25T14:09:12Z'));
    expect(out.map((e) => e.severityText)).toEqual(['INFO', 'WARN', 'ERROR', 'INFO']);
    expect(out[3]!.message).toBe('alice (as bob) get secrets payments/db-creds (RequestReceived)');
  });

  it('throws BAD_EVENT naming the field for a bad single event', () => {
    try {
      auditEventToLogEvent(ev('', {}));
      expect.unreachable();
    } catch (e) {
      expect(isArgusError(e) && e.code === 'BAD_EVENT' && e.details?.field === 'auditID').toBe(true);
    }
  });
});

describe('bad input', () => {
  it('reports truncated JSON without crashing', () => {
    const r = decodeAuditPayload(JSON.stringify(ev('1')).slice(0, 80), CTX);
    expect(r.events).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.index).toBe(0);
    expect(r.errors[0]!.message).toMatch(/^invalid JSON/);
    expect(r.format).toBe('unknown');
    expect(decodeAuditPayload('{\n  "kind": "EventList",\n  "items": [', CTX).errors).toHaveLength(1);
    expect(decodeAuditPayload('   ', CTX).errors).toEqual([{ index: 0, message: 'empty body' }]);
  });

  it('keeps neighbours of a truncated NDJSON line, wrong apiVersion and missing auditID (index = line)', () => {
    const lines = [
      JSON.stringify(ev('1')),
      JSON.stringify(ev('2')).slice(0, 60),
      '',
      JSON.stringify(ev('3', { apiVersion: 'audit.k8s.io/v2' })),
      JSON.stringify(ev('', { auditID: undefined })),
      JSON.stringify(ev('5', { responseStatus: { code: '200' } })),
      JSON.stringify(ev('6', { stageTimestamp: 'yesterday' })),
      JSON.stringify({ kind: 0 }),
      JSON.stringify(ev('8')),
    ];
    const r = decodeAuditPayload(lines.join('\n'), CTX);
    expect(r.format).toBe('ndjson');
    expect(r.events.map((e) => e.auditId)).toEqual(['1', '8']);
    expect(r.errors.map((e) => [e.index, e.field])).toEqual([
      [1, undefined],
      [3, 'apiVersion'],
      [4, 'auditID'],
      [5, 'responseStatus.code'],
      [6, 'stageTimestamp'],
      [7, 'kind'],
    ]);
    expect(r.errors[2]!.message).toBe('auditID is required');
    expect(r.errors[1]!.message).toContain('audit.k8s.io/v2');
  });

  it('indexes EventList errors by item and accepts kind-less items', () => {
    const item = ev('2');
    delete item.kind;
    delete item.apiVersion;
    const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [ev('1'), item, ev('', { auditID: undefined }), 'nope', ev('4', { kind: 'Pod' })] };
    const r = decodeAuditPayload(JSON.stringify(list), CTX);
    expect(r.events.map((e) => e.auditId)).toEqual(['1', '2']);
    expect(r.errors.map((e) => [e.index, e.field])).toEqual([
      [2, 'auditID'],
      [3, undefined],
      [4, 'kind'],
    ]);
    const wrong = decodeAuditPayload(JSON.stringify({ ...list, apiVersion: 'audit.k8s.io/v9' }), CTX);
    expect(wrong.events).toEqual([]);
    expect(wrong.errors).toEqual([expect.objectContaining({ index: 0, field: 'apiVersion' })]);
  });

  it('rejects a body that does not match an explicit format', () => {
    const r = decodeAuditPayload(JSON.stringify({ records: [] }), { ...CTX, format: 'eks' });
    expect(r.events).toEqual([]);
    expect(r.errors[0]!.message).toBe('body does not match format "eks" (looks like aks)');
    expect(decodeAuditPayload(JSON.stringify(ev('1')), { ...CTX, format: 'eventlist' }).events).toHaveLength(1);
  });
});

describe('decodeAuditPayload limits', () => {
  it('keeps at most MAX_ERRORS_KEPT error objects for 1,000,000 bad items, and counts all of them', () => {
    const r = decodeAuditPayload(`{"kind":"EventList","items":[${JSON.stringify(ev('1'))}${',1'.repeat(1_000_000)}]}`, CTX);
    expect(r.events).toHaveLength(1);
    expect(r.positions).toEqual([0]);
    expect(r.rejected).toBe(1_000_000);
    expect(r.errors).toHaveLength(MAX_ERRORS_KEPT);
  });

  it('applies ctx.maxDepth to every shape before normalizing: the deep record is its own error', () => {
    const deep = JSON.stringify(ev('2', { requestObject: '@@' })).replace('"@@"', `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`);
    const list = `{"kind":"EventList","items":[${JSON.stringify(ev('1'))},${deep},${JSON.stringify(ev('3'))}]}`;
    expect(decodeAuditPayload(list, CTX).errors).toEqual([]);
    const r = decodeAuditPayload(list, { ...CTX, maxDepth: 32 });
    expect(r.errors).toEqual([{ index: 1, field: 'requestObject', message: 'requestObject: nested more than 32 levels deep (limits.maxDepth)' }]);
    expect(r.positions).toEqual([0, 2]);
    const nd = decodeAuditPayload([JSON.stringify(ev('1')), deep].join('\n'), { ...CTX, maxDepth: 32, format: 'ndjson' });
    expect(nd.errors.map((e) => [e.index, e.field])).toEqual([[1, 'requestObject']]);
  });

  it('names an out-of-range responseStatus.code or time', () => {
    const r = decodeAuditPayload(
      JSON.stringify({ kind: 'EventList', items: [ev('1', { responseStatus: { code: 1e38 } }), ev('2', { stageTimestamp: '0000-01-01T00:00:00Z' }), ev('3')] }),
      CTX,
    );
    expect(r.errors.map((e) => [e.index, e.field])).toEqual([[0, 'responseStatus.code'], [1, 'stageTimestamp']]);
    expect(r.events).toHaveLength(1);
  });
});
