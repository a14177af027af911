import { ArgusError, SEVERITY, parseRfc3339Nanos } from '../../core/index.ts';
import type { LogEventInput } from '../../core/index.ts';
import { redactAuditEvent } from './redact.ts';
import type { AuditEvent } from './types.ts';
import { checkAuditEvent, TIME_FIELDS } from './validate.ts';

export interface NormalizeContext {
  /** the event object belongs to the caller's decoder (fresh from JSON.parse): redact it in place, no copy */
  owned?: boolean;
  /** the cluster the sender is authenticated as */
  cluster?: string;
  /** ignored here (ingest assigns receivedAt); accepted so a DecodeContext can be passed as is */
  receivedAt?: number;
}

export interface Normalized {
  event: LogEventInput;
  redactions: number;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** OTel severity of an audit event: 5xx / Panic → ERROR, 401 / 403 / forbid → WARN, else INFO. */
export function auditSeverity(code: number | undefined, stage: string, decision: string | undefined): number {
  if (stage === 'Panic' || (code !== undefined && code >= 500)) return SEVERITY.ERROR;
  if (code === 401 || code === 403 || decision === 'forbid') return SEVERITY.WARN;
  return SEVERITY.INFO;
}

/** "alice get secrets payments/db-creds → 200" */
export function auditMessage(ev: AuditEvent): string {
  const user = str(ev.user?.username) ?? 'unknown';
  const imp = str(ev.impersonatedUser?.username);
  const who = imp ? `${user} (as ${imp})` : user;
  const ref = ev.objectRef;
  let what: string;
  if (ref && str(ref.resource)) {
    const res = ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource!;
    const obj = str(ref.name) ? [str(ref.namespace), ref.name].filter(Boolean).join('/') : str(ref.namespace) ? `${ref.namespace}/` : '';
    what = obj ? `${res} ${obj}` : res;
  } else {
    what = (ev.requestURI ?? '').split('?')[0] || '(no object)';
  }
  const code = ev.responseStatus?.code;
  const tail = typeof code === 'number' ? `→ ${code}` : `(${ev.stage})`;
  return `${who} ${ev.verb ?? '?'} ${what} ${tail}`;
}

/**
 * Normalizes an already checked audit Event. `attrs` is the redacted Event in its original
 * shape; promoted fields are read from the redacted copy, so nothing secret leaks into them.
 */
export function normalizeAuditEvent(ev: AuditEvent, ctx: NormalizeContext): Normalized {
  const { value: red, count } = redactAuditEvent(ev, { inPlace: ctx.owned === true });
  let time = { ts: 0, tsNanos: 0 };
  for (const f of TIME_FIELDS) {
    const s = red[f];
    if (typeof s !== 'string') continue;
    const t = parseRfc3339Nanos(s);
    if (t) {
      time = t;
      break;
    }
  }
  const ref = red.objectRef ?? {};
  const ann = red.annotations ?? {};
  const code = red.responseStatus?.code;
  const decision = str(ann['authorization.k8s.io/decision']);
  const sev = auditSeverity(code, red.stage, decision);
  const out: LogEventInput = {
    ts: time.ts,
    tsNanos: time.tsNanos,
    source: 'k8s_audit',
    severityNumber: sev,
    severityText: sev === SEVERITY.ERROR ? 'ERROR' : sev === SEVERITY.WARN ? 'WARN' : 'INFO',
    message: auditMessage(red),
    attrs: red as Record<string, unknown>,
    dedupKey: `k8s_audit:${ctx.cluster ?? ''}:${red.auditID}:${red.stage}`,
  };
  const promoted: Partial<LogEventInput> = {
    cluster: str(ctx.cluster),
    namespace: str(ref.namespace),
    user: str(red.user?.username),
    groups: Array.isArray(red.user?.groups) ? [...red.user.groups] : undefined,
    verb: str(red.verb),
    resource: str(ref.resource),
    subresource: str(ref.subresource),
    apiGroup: str(ref.apiGroup),
    objectNamespace: str(ref.namespace),
    objectName: str(ref.name),
    code: typeof code === 'number' ? code : undefined,
    sourceIp: str(red.sourceIPs?.[0]),
    userAgent: str(red.userAgent),
    stage: red.stage,
    auditId: red.auditID,
    decision,
    reason: str(ann['authorization.k8s.io/reason']),
    impersonatedUser: str(red.impersonatedUser?.username),
  };
  for (const [k, v] of Object.entries(promoted)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return { event: out, redactions: count };
}

/**
 * Normalizes one audit Event (v1, v1beta1 or without apiVersion) into a LogEventInput.
 * Throws ArgusError BAD_EVENT naming the bad field when `ev` is not a usable audit Event.
 */
export function auditEventToLogEvent(ev: unknown, ctx: NormalizeContext = {}): LogEventInput {
  const c = checkAuditEvent(ev);
  if (!c.ok) throw new ArgusError('BAD_EVENT', c.field ? `${c.field}: ${c.message}` : c.message, c.field ? { field: c.field } : undefined);
  return normalizeAuditEvent(c.event, ctx).event;
}
