/**
 * Kubernetes audit decoding: every shape clusters produce (webhook EventList, log-backend NDJSON,
 * EKS CloudWatch, GKE Cloud Logging, AKS diagnostic records) → LogEventInput. A pure library.
 */
export { decodeAuditPayload } from './decode.ts';
export { K8S_AUDIT_OWNERSHIP } from './ownership.ts';
export { auditEventToLogEvent, auditMessage, auditSeverity } from './normalize.ts';
export type { NormalizeContext } from './normalize.ts';
export { redactAuditEvent, redactJson, redactText, redactedMarker, SENSITIVE_KEYS } from './redact.ts';
export type { Redacted } from './redact.ts';
export { auditFileParts, readAuditFile, MAX_BATCH, MAX_DOCUMENT_BYTES } from './file-reader.ts';
export type { AuditFilePart, ReadAuditFileOptions, ReadAuditFileSummary } from './file-reader.ts';
export { checkAuditEvent, AUDIT_API_VERSIONS, NOT_AUDIT } from './validate.ts';
export { isValidJsonLog, aksClusterFromResourceId } from './aks.ts';
export { eksClusterFromLogGroup } from './eks.ts';
export { parseLogfmt } from './eks-authenticator.ts';
export { parseMethodName, parseResourceName, httpCodeFromGrpc } from './gke-method.ts';
export { convertGkeEntry } from './gke.ts';
export type {
  AuditEvent,
  AuditFormat,
  AuditObjectRef,
  AuditUser,
  DecodeContext,
  DecodeError,
  DecodeResult,
  DecodeSkip,
  DetectedFormat,
} from './types.ts';
