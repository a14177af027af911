import type { LogEventInput } from '../../core/index.ts';

/** Payload shapes `decodeAuditPayload` understands; `auto` sniffs the body. */
export type AuditFormat = 'auto' | 'eventlist' | 'ndjson' | 'eks' | 'gke' | 'aks';

/** What auto-detection (or the caller) decided the body was. */
export type DetectedFormat = 'eventlist' | 'event' | 'array' | 'ndjson' | 'eks' | 'gke' | 'aks' | 'unknown';

export interface DecodeContext {
  /** the cluster the sender is authenticated as; wins over anything an envelope says */
  cluster?: string;
  /** when Argus accepted the body (ms); used only where a record carries no time of its own */
  receivedAt: number;
  format?: AuditFormat;
  /**
   * The body came over the network from a sender whose claims are not verified: a cluster named
   * inside the payload (GKE label, EKS log group, AKS resourceId) is then ignored, so the cluster
   * comes from the credential or the caller only. Local files (`argus ingest`, `argus detect`) trust it.
   */
  untrustedEnvelope?: boolean;
  /** nesting cap of one record (objects/arrays, the record itself is level 1); default DEFAULT_MAX_DEPTH */
  maxDepth?: number;
}

/** One rejected record. `index` is its position in the payload (see docs/audit-mapping.md). */
export interface DecodeError {
  index: number;
  message: string;
  /** the offending field, as a dotted path inside the record */
  field?: string;
}

/** A well-formed record that is deliberately not an event (e.g. a GKE cluster-operation entry). */
export interface DecodeSkip {
  index: number;
  reason: string;
}

export interface DecodeResult {
  events: LogEventInput[];
  /** the payload index of each event (events[i] came from record positions[i]) */
  positions: number[];
  /** the first MAX_ERRORS_KEPT errors */
  errors: DecodeError[];
  /** how many records were rejected (errors beyond MAX_ERRORS_KEPT are only counted) */
  rejected: number;
  skipped: DecodeSkip[];
  /** number of values replaced by redaction over all events */
  redactions: number;
  format: DetectedFormat;
}

/** A Kubernetes audit Event (audit.k8s.io v1 / v1beta1 / pre-apiVersion), as far as Argus reads it. */
export interface AuditEvent {
  kind?: string;
  apiVersion?: string;
  level?: string;
  auditID: string;
  stage: string;
  requestURI?: string;
  verb?: string;
  user?: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: AuditObjectRef;
  responseStatus?: { code?: number; status?: string; message?: string; reason?: string; [k: string]: unknown };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  /** pre-v1 events carry this as well */
  timestamp?: string;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}

export interface AuditUser {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AuditObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

/** Internal: what an envelope knows about where its events came from. */
export interface EnvelopeHints {
  /** cluster named by the envelope (GKE resource label, EKS log group, AKS resourceId); ctx.cluster wins */
  cluster?: string;
}
