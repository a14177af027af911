import { describe, expect, it } from 'vitest';
import { DEFAULT_TRUSTED_REGISTRIES, detectionConfigSchema, parseConfig } from '../../core/index.ts';
import { auditLogEvent } from '../audit-fixture.ts';
import type { RuleFileInput } from '../index.ts';
import { loadRuleFiles } from '../index.ts';
import { builtinRuleFiles, configListsFile, isDefaultRegistries } from './index.ts';

const RULE = 'argus-k8s-image-unlisted-registry';

function pod(image: string) {
  return auditLogEvent({
    kind: 'Event',
    auditID: `a-${image}`,
    stage: 'ResponseComplete',
    verb: 'create',
    user: { username: 'alice@example.com' },
    responseStatus: { code: 201 },
    objectRef: { resource: 'pods', namespace: 'shop', name: 'p' },
    requestObject: { kind: 'Pod', spec: { containers: [{ name: 'c', image }] } },
  });
}

function untrusted(files: RuleFileInput[], images: string[]): string[] {
  const rs = loadRuleFiles(files);
  return images.filter((i) => rs.evaluate(pod(i)).some((m) => m.ruleId === RULE));
}

const IMAGES = [
  'registry.corp.example/team/app:1',
  'registry.corp.example.evil.io/team/app:1',
  'registry.corp.example-evil/app:1',
  'nginx:1.25',
  'registry.k8s.io/pause:3.9',
  'ghcr.io/acme/web:2',
  'acme/web:2',
];

describe('detection.trustedRegistries', () => {
  it('defaults to registry.k8s.io and the official Docker Hub images only', () => {
    const detection = parseConfig(detectionConfigSchema, {});
    expect(detection.trustedRegistries).toEqual(['registry.k8s.io', 'docker.io/library']);
    expect(isDefaultRegistries(detection.trustedRegistries, DEFAULT_TRUSTED_REGISTRIES)).toBe(true);
    expect(untrusted([...builtinRuleFiles(), configListsFile(detection)], IMAGES)).toEqual([
      'registry.corp.example/team/app:1',
      'registry.corp.example.evil.io/team/app:1',
      'registry.corp.example-evil/app:1',
      'ghcr.io/acme/web:2',
      'acme/web:2',
    ]);
  });

  it('replaces the pack list; a look-alike host or a host with a suffix is not trusted', () => {
    const detection = parseConfig(detectionConfigSchema, { trustedRegistries: ['registry.corp.example', 'ghcr.io/acme/'] });
    expect(isDefaultRegistries(detection.trustedRegistries, DEFAULT_TRUSTED_REGISTRIES)).toBe(false);
    expect(untrusted([...builtinRuleFiles(), configListsFile(detection)], IMAGES)).toEqual([
      'registry.corp.example.evil.io/team/app:1',
      'registry.corp.example-evil/app:1',
      'nginx:1.25',
      'registry.k8s.io/pause:3.9',
      'acme/web:2',
    ]);
  });

  it('can still be appended to by a rule file loaded after it', () => {
    const detection = parseConfig(detectionConfigSchema, { trustedRegistries: ['registry.corp.example'] });
    const mine = { path: 'mine.yaml', text: '- list: argus_trusted_registries\n  append: true\n  items: [docker.io/acme]\n' };
    expect(untrusted([...builtinRuleFiles(), configListsFile(detection), mine], ['acme/web:2', 'docker.io/acmex/web', 'nginx'])).toEqual(['docker.io/acmex/web', 'nginx']);
  });

  it('rejects a scheme, spaces or a digest in an entry', () => {
    for (const bad of ['https://registry.corp.example', 'registry corp', 'nginx@sha256:00', '']) {
      expect(() => parseConfig(detectionConfigSchema, { trustedRegistries: [bad] }), bad).toThrow(/trustedRegistries/);
    }
  });
});
