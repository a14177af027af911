/**
 * Generates a commented audit policy that records the significant events OWASP Kubernetes Top
 * Ten K05 asks for, at levels that keep secrets out of the log and the noise down.
 * Every profile passes validation and lints clean (see generate.test.ts).
 */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import type { Level, PolicyRule } from './types.ts';

export type Profile = 'minimal' | 'recommended' | 'forensic';
export const PROFILES: readonly Profile[] = ['minimal', 'recommended', 'forensic'];

type Spec = { comment: string; rule: Omit<PolicyRule, 'line'> };

const WRITES = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READS = ['get', 'list', 'watch'];

function noise(profile: Profile): Spec[] {
  const specs: Spec[] = [
    {
      comment: 'Health and version probes: constant, anonymous-safe, never interesting.',
      rule: { level: 'None', nonResourceURLs: ['/healthz*', '/readyz*', '/livez*', '/version'] },
    },
    {
      comment: 'kube-proxy watching endpoints and services (noisy, read-only).',
      rule: {
        level: 'None',
        users: ['system:kube-proxy', 'system:serviceaccount:kube-system:kube-proxy'],
        verbs: ['watch'],
        resources: [{ group: '', resources: ['endpoints', 'services', 'services/status'] }, { group: 'discovery.k8s.io', resources: ['endpointslices'] }],
      },
    },
    {
      comment: 'Leader election and node heartbeats (leases) by nodes and control-plane components.',
      rule: {
        level: 'None',
        userGroups: ['system:nodes', 'system:serviceaccounts:kube-system'],
        verbs: ['get', 'update', 'watch', 'list'],
        resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }],
      },
    },
    {
      comment: 'Leader election by the controller manager and the scheduler.',
      rule: {
        level: 'None',
        users: ['system:kube-controller-manager', 'system:kube-scheduler'],
        verbs: ['get', 'update', 'watch', 'list'],
        namespaces: ['kube-system'],
        resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }],
      },
    },
    {
      comment: 'Kubelets reporting node status.',
      rule: {
        level: 'None',
        userGroups: ['system:nodes'],
        verbs: ['get', 'patch', 'update'],
        resources: [{ group: '', resources: ['nodes', 'nodes/status'] }],
      },
    },
    {
      comment: 'Events are already a log of their own.',
      rule: { level: 'None', resources: [{ group: '', resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }] },
    },
  ];
  if (profile !== 'forensic') {
    specs.push({
      comment: 'Endpoint reads by nodes and kube-system controllers.',
      rule: {
        level: 'None',
        userGroups: ['system:nodes', 'system:serviceaccounts:kube-system'],
        verbs: READS,
        resources: [{ group: '', resources: ['endpoints'] }, { group: 'discovery.k8s.io', resources: ['endpointslices'] }],
      },
    });
  }
  return specs;
}

function significant(profile: Profile): Spec[] {
  const execLevel: Level = profile === 'forensic' ? 'RequestResponse' : 'Request';
  const specs: Spec[] = [
    {
      comment: 'Secrets, configmaps and tokens: who touched what, never the bodies (they hold credentials).',
      rule: {
        level: 'Metadata',
        resources: [
          { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
          { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
        ],
      },
    },
    {
      comment: 'Interactive access to containers (exec, attach, port-forward) and API proxying.',
      rule: {
        level: execLevel,
        resources: [{ group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy', 'nodes/proxy'] }],
      },
    },
    {
      comment: 'RBAC changes: keep the full request and response to see who granted what.',
      rule: { level: 'RequestResponse', verbs: WRITES, resources: [{ group: 'rbac.authorization.k8s.io' }] },
    },
    {
      comment: 'Admission webhooks and certificate signing can take over a cluster.',
      rule: {
        level: 'RequestResponse',
        verbs: WRITES,
        resources: [{ group: 'admissionregistration.k8s.io' }, { group: 'certificates.k8s.io' }],
      },
    },
    {
      comment: 'Anything anonymous or unauthenticated clients do (with the request body).',
      rule: { level: 'Request', userGroups: ['system:unauthenticated'] },
    },
  ];
  if (profile !== 'minimal') {
    specs.push({
      comment: 'Changes to workloads, services, namespaces and network policy.',
      rule: {
        level: profile === 'forensic' ? 'RequestResponse' : 'Request',
        verbs: WRITES,
        resources: [
          { group: '' }, { group: 'apps' }, { group: 'batch' }, { group: 'networking.k8s.io' }, { group: 'policy' },
        ],
      },
    });
  }
  return specs;
}

const HEADER: Record<Profile, string> = {
  minimal: 'Lowest volume that still records every significant event at Metadata or more.',
  recommended: 'Significant events plus the bodies of workload changes (Request level).',
  forensic: 'Highest detail: request and response bodies of changes, exec sessions included.',
};

/** A commented audit.k8s.io/v1 Policy YAML for the given profile. */
export function generatePolicy(profile: Profile = 'recommended'): string {
  const specs: Spec[] = [
    ...noise(profile),
    ...significant(profile),
    {
      comment: 'Catch-all: everything else (including failed authentication, which matches no user rule) at Metadata.',
      rule: { level: 'Metadata' },
    },
  ];
  const doc = new Document({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    omitManagedFields: profile !== 'forensic',
    rules: specs.map((s) => s.rule),
  }, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    ` Argus audit policy, profile "${profile}": ${HEADER[profile]}`,
    ' Generated by `argus policy generate`. Rules are ordered: the first match wins.',
    ' Covers OWASP Kubernetes Top Ten K05 (Inadequate Logging and Monitoring).',
    ' Use with: kube-apiserver --audit-policy-file=/etc/kubernetes/audit-policy.yaml',
  ].join('\n');
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  const top = doc.contents;
  if (isMap(top)) {
    for (const pair of top.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (key === 'omitStages' && isScalar(pair.key)) pair.key.commentBefore = ' RequestReceived would write every request twice.';
      if (key === 'omitManagedFields' && isScalar(pair.key)) pair.key.commentBefore = ' managedFields are bulky bookkeeping, rarely useful in an investigation.';
      if (key === 'rules' && isSeq(pair.value)) {
        pair.value.items.forEach((item, i) => {
          const spec = specs[i];
          if (spec && (isMap(item) || isScalar(item))) {
            item.commentBefore = ` ${spec.comment}`;
            item.spaceBefore = i > 0;
          }
        });
      }
    }
  }
  return doc.toString({ lineWidth: 0 });
}
