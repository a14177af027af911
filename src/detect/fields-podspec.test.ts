import { describe, expect, it } from 'vitest';
import { auditLogEvent } from './audit-fixture.ts';
import { lookupField } from './fields.ts';

function field(name: string, resource: string, requestObject: unknown, subresource?: string) {
  const r = lookupField(name, undefined, 'k8s_audit');
  if (!r.ok) throw new Error(r.error);
  const objectRef: Record<string, string> = { resource, namespace: 'shop', name: 'x' };
  if (subresource) objectRef['subresource'] = subresource;
  return r.field.get(auditLogEvent({ kind: 'Event', auditID: 'a-1', stage: 'ResponseComplete', verb: 'patch', objectRef, requestObject }));
}

const many = Array.from({ length: 7 }, (_, i) => ({ name: `c${i}`, image: `registry.k8s.io/img${i}:1` }));

describe('ka.req.podspec.* fields', () => {
  it('reads every container, initContainer and ephemeralContainer, not fixed slots', () => {
    const spec = { initContainers: [{ name: 'i', image: 'init:1' }], containers: many, ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] };
    const images = field('ka.req.podspec.image', 'pods', { spec });
    expect(images).toHaveLength(9);
    expect(images).toContain('registry.k8s.io/img6:1');
    expect(images).toContain('busybox');
  });

  it.each([
    ['deployments', { spec: { template: { spec: { containers: many } } } }],
    ['daemonsets', { spec: { template: { spec: { containers: many } } } }],
    ['statefulsets', { spec: { template: { spec: { containers: many } } } }],
    ['replicasets', { spec: { template: { spec: { containers: many } } } }],
    ['jobs', { spec: { template: { spec: { containers: many } } } }],
    ['replicationcontrollers', { spec: { template: { spec: { containers: many } } } }],
    ['cronjobs', { spec: { jobTemplate: { spec: { template: { spec: { containers: many } } } } } }],
    ['podtemplates', { template: { spec: { containers: many } } }],
  ])('finds the pod template of %s', (resource, body) => {
    expect(field('ka.req.podspec.image', resource, body)).toHaveLength(7);
  });

  it('reads the pods/ephemeralcontainers subresource, in the Pod and the pre-1.25 shapes', () => {
    const dbg = { name: 'debugger', image: 'docker.io/nicolaka/netshoot', securityContext: { privileged: true } };
    expect(field('ka.req.podspec.privileged', 'pods', { kind: 'Pod', spec: { ephemeralContainers: [dbg] } }, 'ephemeralcontainers')).toEqual(['true']);
    expect(field('ka.req.podspec.image', 'pods', { kind: 'EphemeralContainers', ephemeralContainers: [dbg] }, 'ephemeralcontainers')).toEqual([dbg.image]);
  });

  it('reads the add/replace values of a JSON Patch at their paths', () => {
    const ops = [
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'evil.example/miner:1' },
      { op: 'add', path: '/spec/template/spec/containers/1/securityContext', value: { privileged: true, capabilities: { add: ['CAP_SYS_ADMIN', 'net_admin'] } } },
      { op: 'add', path: '/spec/template/spec/hostPID', value: true },
      { op: 'add', path: '/spec/template/spec/volumes/-', value: { name: 'h', hostPath: { path: '/var/run/docker.sock' } } },
      { op: 'remove', path: '/spec/template/spec/containers/2' },
      { op: 'test', path: '/spec/template/spec/hostNetwork', value: true },
      { op: 'replace', path: '/spec/replicas', value: 3 },
    ];
    expect(field('ka.req.podspec.image', 'deployments', ops)).toEqual(['evil.example/miner:1']);
    expect(field('ka.req.podspec.privileged', 'deployments', ops)).toEqual(['true']);
    expect(field('ka.req.podspec.add_capabilities', 'deployments', ops)).toEqual(['SYS_ADMIN', 'NET_ADMIN']);
    expect(field('ka.req.podspec.host_pid', 'deployments', ops)).toEqual(['true']);
    expect(field('ka.req.podspec.host_network', 'deployments', ops)).toBeUndefined();
    expect(field('ka.req.podspec.hostpath', 'deployments', ops)).toEqual(['/var/run/docker.sock']);
  });

  it('gives the effective runAsUser per container, and the pod value for a spec without containers', () => {
    const spec = { securityContext: { runAsUser: 0 }, containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsUser: 1000 } }] };
    expect(field('ka.req.podspec.run_as_user', 'pods', { spec })).toEqual(['0', '1000']);
    expect(field('ka.req.podspec.run_as_non_root', 'deployments', { spec: { template: { spec: { securityContext: { runAsNonRoot: false } } } } })).toEqual(['false']);
  });

  it('lists host ports (not container ports), hostPath paths and volume types', () => {
    const spec = {
      containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 53, hostPort: 53 }, { containerPort: 9, hostPort: 0 }] }],
      volumes: [{ name: 'h', hostPath: { path: '/etc' } }, { name: 'c', configMap: { name: 'x' } }],
    };
    expect(field('ka.req.podspec.host_port', 'pods', { spec })).toEqual(['53']);
    expect(field('ka.req.podspec.hostpath', 'pods', { spec })).toEqual(['/etc']);
    expect(field('ka.req.podspec.volume_type', 'pods', { spec })).toEqual(['hostPath', 'configMap']);
  });

  it('is missing for other resources, status patches and scale requests', () => {
    expect(field('ka.req.podspec.image', 'configmaps', { spec: { containers: many } })).toBeUndefined();
    expect(field('ka.req.podspec.image', 'pods', { status: { phase: 'Running' } }, 'status')).toBeUndefined();
    expect(field('ka.req.podspec.image', 'deployments', { spec: { replicas: 3 } }, 'scale')).toBeUndefined();
  });
});
