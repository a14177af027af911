import { describe, expect, it } from 'vitest';
import type { IngestReceiver, LogEventInput, SourceOwnership } from './index.ts';
import { claimEvents, ingestLabel, provenancePolicy } from './index.ts';

const AUDIT: SourceOwnership = { sources: ['k8s_audit', 'eks_authenticator'], keyPrefixes: ['k8s_audit:', 'eks_authenticator:'] };
const RECEIVERS: IngestReceiver[] = [
  { name: 'generic', owns: { sources: 'unreserved', keyPrefixes: ['generic:'] } },
  { name: 'k8s-audit', owns: AUDIT },
  { name: 'cli-ingest', owns: AUDIT },
  { name: 'detection', owns: { sources: ['alert'], keyPrefixes: ['alert:'] } },
];
const policy = provenancePolicy(RECEIVERS);
const ev = (source: string, dedupKey?: string): LogEventInput => ({ ts: 1, source, ...(dedupKey ? { dedupKey } : {}) });

describe('provenance policy', () => {
  it('refuses reserved sources (any case) for an unreserved receiver and names the owners', () => {
    const r = claimEvents(policy, { receiver: 'generic', credential: 'anonymous' }, [ev('app'), ev('K8S_Audit'), ev('alert'), ev('nginx')]);
    expect(r.events.map((e) => e.source)).toEqual(['app', 'nginx']);
    expect(r.rejected).toEqual([
      { position: 1, field: 'source', message: 'source: "K8S_Audit" is reserved (written only by k8s-audit, cli-ingest)' },
      { position: 2, field: 'source', message: 'source: "alert" is reserved (written only by detection)' },
    ]);
  });

  it('lets an owning receiver write only its own sources', () => {
    const r = claimEvents(policy, { receiver: 'detection' }, [ev('alert'), ev('k8s_audit'), ev('app')]);
    expect(r.events.map((e) => e.source)).toEqual(['alert']);
    expect(r.rejected.map((x) => x.position)).toEqual([1, 2]);
  });

  it('moves keys outside the namespace under it, deterministically, and keeps keys inside it', () => {
    const keys = ['abc', 'k8s_audit:prod:id:ResponseComplete', 'generic:abc', '~'];
    const once = claimEvents(policy, { receiver: 'generic', credential: 'anonymous' }, keys.map((k) => ev('app', k))).events.map((e) => e.dedupKey);
    expect(once).toEqual(['generic:abc', 'generic:k8s_audit:prod:id:ResponseComplete', 'generic:abc', 'generic:~']);
    const twice = claimEvents(policy, { receiver: 'generic' }, once.map((k) => ev('app', k))).events.map((e) => e.dedupKey);
    expect(twice).toEqual(once);
    const audit = claimEvents(policy, { receiver: 'k8s-audit', credential: 'token:prod' }, [ev('k8s_audit', 'k8s_audit:prod:id:ResponseStarted'), ev('eks_authenticator', 'eks_authenticator:prod:9'), ev('k8s_audit')]);
    expect(audit.events.map((e) => e.dedupKey)).toEqual(['k8s_audit:prod:id:ResponseStarted', 'eks_authenticator:prod:9', undefined]);
  });

  it('sets ingest from the origin, overwriting what a decoder left', () => {
    const e = { ...ev('app'), ingest: 'k8s-audit/token:prod' };
    expect(claimEvents(policy, { receiver: 'generic', credential: 'anonymous' }, [e]).events[0]!.ingest).toBe('generic/anonymous');
    expect(ingestLabel({ receiver: 'detection' })).toBe('detection');
    expect(ingestLabel({ receiver: 'k8s-audit', credential: 'mtls:apiserver' })).toBe('k8s-audit/mtls:apiserver');
  });

  it('refuses an undeclared receiver and declarations that overlap', () => {
    expect(() => claimEvents(policy, { receiver: 'loki' }, [ev('app')])).toThrow(/not declared/);
    expect(() => provenancePolicy([...RECEIVERS, { name: 'other', owns: { sources: ['alert'], keyPrefixes: ['other:'] } }])).toThrow(/alert/);
    expect(() => provenancePolicy([...RECEIVERS, { name: 'other', owns: { sources: ['x'], keyPrefixes: ['alert:x'] } }])).toThrow(/keys under/);
    expect(() => provenancePolicy([...RECEIVERS, RECEIVERS[0]!])).toThrow(/twice/);
  });
});
