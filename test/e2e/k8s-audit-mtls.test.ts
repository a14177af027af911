/** mTLS on the audit webhook: the client certificate's CN decides the cluster, over a real TLS socket. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import { makeCa, makeLeaf } from '../helpers/certs.ts';
import { freePort } from '../helpers/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-mtls-'));
let app: App;
let url: string;
let ca: { cert: string; key: string };
let good: { cert: string; key: string };
let unknown: { cert: string; key: string };
let foreign: { cert: string; key: string };

beforeAll(async () => {
  ca = makeCa(dir, 'cluster-ca');
  const other = makeCa(dir, 'other-ca');
  const server = makeLeaf(dir, ca, 'argus-server', true);
  good = makeLeaf(dir, ca, 'kube-apiserver-prod', false);
  unknown = makeLeaf(dir, ca, 'somebody-else', false);
  foreign = makeLeaf(dir, other, 'kube-apiserver-prod-forged', false);
  const port = await freePort();
  app = createApp(
    {
      data: join(dir, 'data'),
      listen: `127.0.0.1:${port}`,
      tls: { certFile: server.cert, keyFile: server.key, clientCaFile: ca.cert },
      receivers: { k8s_audit: { clientCerts: [{ commonName: 'kube-apiserver-prod', cluster: 'prod' }, { commonName: 'kube-apiserver-prod-forged', cluster: 'prod' }] } },
    },
    { logger: pino({ level: 'silent' }), defaultMetrics: false },
  );
  url = await app.start();
});
afterAll(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

function post(path: string, body: string, client?: { cert: string; key: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        ca: readFileSync(ca.cert),
        ...(client ? { cert: readFileSync(client.cert), key: readFileSync(client.key) } : {}),
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let b = '';
        res.on('data', (d: Buffer) => (b += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const event = (id: string) =>
  JSON.stringify({
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    items: [
      {
        kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete',
        requestURI: '/api/v1/namespaces/default/pods', verb: 'list', user: { username: 'alice', groups: ['system:authenticated'] },
        sourceIPs: ['10.0.0.1'], objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: 200 }, requestReceivedTimestamp: '2026-11-25T10:00:00.000000Z', stageTimestamp: '2026-11-25T10:00:00.001000Z',
      },
    ],
  });

describe('audit webhook over mTLS', () => {
  it('takes the cluster from the client certificate', async () => {
    const r = await post('/k8s-audit', event('cccccccc-0000-0000-0000-000000000001'), good);
    expect(r.status).toBe(200);
    const res = await app.http.inject({ method: 'GET', url: '/api/v1/query?q=auditId:cccccccc-0000-0000-0000-000000000001' });
    expect((res.json() as { events: { cluster: string; ingest: string }[] }).events.map((e) => [e.cluster, e.ingest])).toEqual([['prod', 'k8s-audit/mtls:kube-apiserver-prod']]);
  });

  it('refuses a request without a certificate, a CN not bound to a cluster, a cert from another CA, and a spoofed ?cluster=', async () => {
    expect((await post('/k8s-audit', event('cccccccc-0000-0000-0000-000000000002'))).status).toBe(401);
    expect((await post('/k8s-audit', event('cccccccc-0000-0000-0000-000000000003'), unknown)).status).toBe(403);
    expect((await post('/k8s-audit', event('cccccccc-0000-0000-0000-000000000004'), foreign)).status).toBe(401);
    expect((await post('/k8s-audit?cluster=staging', event('cccccccc-0000-0000-0000-000000000005'), good)).status).toBe(403);
    const res = await app.http.inject({ method: 'GET', url: '/api/v1/query?q=source:k8s_audit' });
    expect((res.json() as { events: unknown[] }).events).toHaveLength(1);
  });
});
