/**
 * The one event shape every source becomes (see docs/ARCHITECTURE.md "The event").
 * A plain object, never a class: it crosses threads, the WAL and the store as JSON.
 */

/** Audit fields promoted to top-level store columns (rules and queries hit them constantly). */
export interface PromotedFields {
  user?: string;
  groups?: string[];
  verb?: string;
  resource?: string;
  subresource?: string;
  apiGroup?: string;
  objectNamespace?: string;
  objectName?: string;
  /** HTTP status code of the response (audit responseStatus.code, nginx status...) */
  code?: number;
  sourceIp?: string;
  userAgent?: string;
  stage?: string;
  auditId?: string;
  /** authorization.k8s.io/decision annotation ("allow" | "forbid") */
  decision?: string;
  /** authorization.k8s.io/reason annotation */
  reason?: string;
  impersonatedUser?: string;
}

export interface LogEvent extends PromotedFields {
  /** ULID, sortable, assigned at ingest */
  id: string;
  /** event time, ms since epoch */
  ts: number;
  /** sub-millisecond part of the event time in ns (0..999999) where the source has it */
  tsNanos?: number;
  /** when Argus accepted it, ms since epoch */
  receivedAt: number;
  /**
   * provenance, set on the ingest path (never by a client): the receiver and credential that
   * accepted it, e.g. `generic/anonymous`, `k8s-audit/token:prod`, `detection` (core/provenance.ts);
   * absent on events stored before it existed
   */
  ingest?: string;
  /** k8s_audit, container, journald, syslog, nginx, apache, otlp, loki, eks_authenticator, alert, ... */
  source: string;
  cluster?: string;
  node?: string;
  namespace?: string;
  pod?: string;
  container?: string;
  /** stdout | stderr for container logs */
  stream?: string;
  /** OpenTelemetry severity number 1..24 (0 = unspecified) */
  severityNumber: number;
  severityText?: string;
  message: string;
  /** structured fields; for audit events the whole normalized audit Event */
  attrs: Record<string, unknown>;
  /** the original bytes as received (after redaction) */
  raw?: string;
  /** idempotency key (auditID+stage, file fingerprint+offset...); events with a seen key are not stored twice */
  dedupKey?: string;
}

/** An event before ingest assigns id / receivedAt and fills defaults. */
export type LogEventInput = Omit<LogEvent, 'id' | 'receivedAt' | 'severityNumber' | 'attrs' | 'message'> & {
  id?: string;
  receivedAt?: number;
  severityNumber?: number;
  attrs?: Record<string, unknown>;
  message?: string;
};

/** The names of the top-level (non-attrs) fields, in store column order. */
export const EVENT_COLUMNS = [
  'id',
  'ts',
  'tsNanos',
  'receivedAt',
  'ingest',
  'source',
  'cluster',
  'node',
  'namespace',
  'pod',
  'container',
  'stream',
  'severityNumber',
  'severityText',
  'message',
  'user',
  'groups',
  'verb',
  'resource',
  'subresource',
  'apiGroup',
  'objectNamespace',
  'objectName',
  'code',
  'sourceIp',
  'userAgent',
  'stage',
  'auditId',
  'decision',
  'reason',
  'impersonatedUser',
  'dedupKey',
  'attrs',
  'raw',
] as const;

export type EventColumn = (typeof EVENT_COLUMNS)[number];

/** Column types, shared by the stores and the query compiler. */
export type ColumnType = 'string' | 'int' | 'bigint' | 'string[]' | 'json';

export const COLUMN_TYPES: Record<EventColumn, ColumnType> = {
  id: 'string',
  ts: 'bigint',
  tsNanos: 'int',
  receivedAt: 'bigint',
  ingest: 'string',
  source: 'string',
  cluster: 'string',
  node: 'string',
  namespace: 'string',
  pod: 'string',
  container: 'string',
  stream: 'string',
  severityNumber: 'int',
  severityText: 'string',
  message: 'string',
  user: 'string',
  groups: 'string[]',
  verb: 'string',
  resource: 'string',
  subresource: 'string',
  apiGroup: 'string',
  objectNamespace: 'string',
  objectName: 'string',
  code: 'int',
  sourceIp: 'string',
  userAgent: 'string',
  stage: 'string',
  auditId: 'string',
  decision: 'string',
  reason: 'string',
  impersonatedUser: 'string',
  dedupKey: 'string',
  attrs: 'json',
  raw: 'string',
};
