/** Suspicious activity the demo mixes in, so detection has something real to find. */
import type { AuditEventShape } from './audit.ts';
import { auditEvent } from './audit.ts';
import type { Rng } from './rng.ts';

const KUBECTL = 'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819';
const AUTHED = ['system:authenticated'];

export type Scenario = (r: Rng, ts: number) => AuditEventShape[];

export const SCENARIOS: Record<string, Scenario> = {
  execIntoPod: (r, ts) => [
    auditEvent(r, ts, { user: 'mallory@example.com', groups: ['developers', ...AUTHED], ua: KUBECTL, ip: '198.51.100.77', verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'payments', name: 'payments-api-6c9d7', code: 101, level: 'Request' }),
  ],
  clusterWideSecretList: (r, ts) => [
    auditEvent(r, ts, { user: 'system:serviceaccount:default:builder', groups: ['system:serviceaccounts', ...AUTHED], ua: 'curl/8.5.0', ip: '10.0.3.14', verb: 'list', resource: 'secrets', code: 200 }),
  ],
  privilegedPod: (r, ts) => [
    auditEvent(r, ts, {
      user: 'mallory@example.com', groups: ['developers', ...AUTHED], ua: KUBECTL, ip: '198.51.100.77', verb: 'create', resource: 'pods', namespace: 'default', name: 'debug-root', code: 201, level: 'RequestResponse',
      requestObject: {
        kind: 'Pod', apiVersion: 'v1', metadata: { name: 'debug-root', namespace: 'default' },
        spec: {
          hostPID: true, hostNetwork: true,
          containers: [{ name: 'shell', image: 'docker.io/evil/toolbox:latest', securityContext: { privileged: true } }],
          volumes: [{ name: 'host', hostPath: { path: '/' } }],
        },
      },
    }),
  ],
  bruteForce: (r, ts) => {
    const out: AuditEventShape[] = [];
    for (let i = 0; i < 25; i++) {
      out.push(auditEvent(r, ts + i * 200, { user: 'system:anonymous', groups: ['system:unauthenticated'], ua: 'python-requests/2.31.0', ip: '192.0.2.66', verb: 'get', resource: 'secrets', namespace: 'kube-system', code: 401 }));
    }
    out.push(auditEvent(r, ts + 6000, { user: 'admin-legacy', groups: AUTHED, ua: 'python-requests/2.31.0', ip: '192.0.2.66', verb: 'get', resource: 'secrets', namespace: 'kube-system', code: 200 }));
    return out;
  },
  clusterAdminBinding: (r, ts) => [
    auditEvent(r, ts, {
      user: 'mallory@example.com', groups: ['developers', ...AUTHED], ua: KUBECTL, ip: '198.51.100.77', verb: 'create', resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', name: 'mallory-admin', code: 201, level: 'RequestResponse',
      requestObject: { kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'mallory-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'mallory@example.com' }] },
    }),
  ],
  loggingTampering: (r, ts) => [
    auditEvent(r, ts, { user: 'mallory@example.com', groups: ['developers', ...AUTHED], ua: KUBECTL, ip: '198.51.100.77', verb: 'delete', resource: 'daemonsets', apiGroup: 'apps', namespace: 'logging', name: 'fluent-bit', code: 200 }),
  ],
};
