/**
 * The audit.k8s.io/v1 Policy model, as kube-apiserver reads it
 * (staging/src/k8s.io/apiserver/pkg/apis/audit/v1/types.go), plus the request attributes the
 * policy checker sees and the findings our validator and linter report.
 */

export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type Level = (typeof LEVELS)[number];

export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type Stage = (typeof STAGES)[number];

/** Resources of one API group. `group: ""` is the core group. */
export interface GroupResources {
  group?: string;
  /** `pods`, `pods/log`, `*`, `pods/*` or `*` + `/status`; empty = every resource of the group */
  resources?: string[];
  /** needs `resources`; empty = every name */
  resourceNames?: string[];
}

export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  /** `""` selects cluster-scoped (non-namespaced) resources */
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: Stage[];
  /** when set, overrides the policy-level default */
  omitManagedFields?: boolean;
  /** 1-based line of the rule in its YAML source, when parsed from text */
  line?: number;
}

export interface Policy {
  apiVersion?: string;
  kind?: string;
  rules: PolicyRule[];
  omitStages?: Stage[];
  omitManagedFields?: boolean;
}

/**
 * What the checker sees of a request (authorizer.Attributes). A request with neither `user` nor
 * `groups` has no user at all, as when authentication failed: rules naming users or groups
 * never match it.
 */
export interface RequestAttributes {
  user?: string;
  groups?: string[];
  verb?: string;
  namespace?: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** URL path of a non-resource request, e.g. /healthz */
  path?: string;
  /** defaults to true when `resource` is set */
  resourceRequest?: boolean;
}

/** The checker's answer (auditinternal.RequestAuditConfig with level). */
export interface AuditDecision {
  level: Level;
  /** union of the policy's and the matched rule's omitStages, in stage order */
  omitStages: Stage[];
  omitManagedFields: boolean;
}

export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  code: string;
  /** 1-based source line (1 when the problem concerns the whole file) */
  line: number;
  message: string;
}
