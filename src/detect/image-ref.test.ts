import { describe, expect, it } from 'vitest';
import { auditLogEvent } from './audit-fixture.ts';
import { normalizeImage, registrySet } from './image-ref.ts';
import { loadRuleFiles } from './ruleset.ts';

describe('image reference normalisation (as container runtimes resolve short names)', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx'],
    ['nginx:1.25', 'docker.io/library/nginx'],
    ['nginx@sha256:0123abcd', 'docker.io/library/nginx'],
    ['nginx:1.25@sha256:0123abcd', 'docker.io/library/nginx'],
    ['user/app', 'docker.io/user/app'],
    ['user/app:v2', 'docker.io/user/app'],
    ['docker.io/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/library/nginx:latest', 'docker.io/library/nginx'],
    ['DOCKER.IO/library/redis', 'docker.io/library/redis'],
    ['localhost/app', 'localhost/app'],
    ['localhost:5000/x', 'localhost:5000/x'],
    ['localhost:5000/x:tag', 'localhost:5000/x'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause'],
    ['ghcr.io/acme/web:2.1', 'ghcr.io/acme/web'],
    ['registry.corp.example:8443/team/app@sha256:ff', 'registry.corp.example:8443/team/app'],
    ['quay.io/prometheus/node-exporter:v1.7.0', 'quay.io/prometheus/node-exporter'],
  ])('%s -> %s', (ref, want) => {
    expect(normalizeImage(ref)).toBe(want);
  });
});

describe('registry matching on host and path boundaries', () => {
  const trusted = registrySet(['registry.k8s.io', 'docker.io/library/', 'registry.corp.example', 'ghcr.io/acme']);
  it.each([
    ['registry.k8s.io/kube-proxy:v1.29.2', true],
    ['nginx:1.25', true],
    ['docker.io/library/busybox', true],
    ['library/busybox', true],
    ['registry.corp.example/app:1', true],
    ['registry.corp.example/team/app@sha256:aa', true],
    ['ghcr.io/acme/web:2', true],
    ['registry.corp.example.evil.io/app:1', false],
    ['registry.corp.example-evil/app:1', false],
    ['registry.corp.example:5000/app', false],
    ['registry.k8s.io.evil.io/pause', false],
    ['evilregistry.k8s.io/pause', false],
    ['docker.io/library-fake/x', false],
    ['user/app', false],
    ['docker.io/evil/toolbox', false],
    ['ghcr.io/acme-evil/web', false],
    ['ghcr.io/acmecorp/web', false],
    ['ghcr.io/evil/web', false],
    ['quay.io/prometheus/node-exporter', false],
    ['', false],
  ])('%s trusted: %s', (image, want) => {
    expect(trusted(image)).toBe(want);
  });

  it('is the registry_in operator, over every image of a list field; image_repo() normalises', () => {
    const rs = loadRuleFiles([
      {
        path: 'r.yaml',
        text:
          '- rule: Untrusted\n  desc: d\n  condition: ka.req.podspec.image exists and not ka.req.podspec.image registry_in (registry.k8s.io, docker.io/library)\n  output: o\n  priority: INFO\n  source: k8s_audit\n' +
          '- rule: Repo\n  desc: d\n  condition: image_repo(ka.req.podspec.image) intersects (docker.io/library/nginx)\n  output: o\n  priority: INFO\n  source: k8s_audit\n',
      },
    ]);
    const pod = (...images: string[]) =>
      auditLogEvent({
        kind: 'Event',
        auditID: 'a-1',
        stage: 'ResponseComplete',
        verb: 'create',
        objectRef: { resource: 'pods', namespace: 'shop' },
        requestObject: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } },
      });
    const names = (e: ReturnType<typeof pod>) => rs.evaluate(e).map((m) => m.rule);
    expect(names(pod('registry.k8s.io/pause:3.9', 'nginx:1.25'))).toEqual(['Repo']);
    expect(names(pod('registry.k8s.io/pause:3.9', 'registry.k8s.io.evil.io/pause'))).toEqual(['Untrusted']);
  });
});
