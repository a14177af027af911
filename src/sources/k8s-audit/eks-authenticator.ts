/**
 * EKS `authenticator-*` log streams: aws-iam-authenticator logrus lines in logfmt, e.g.
 * `time="2024-05-01T10:00:00Z" level=info msg="access granted" arn="arn:aws:iam::1:role/x"
 *  client="127.0.0.1:48720" groups="[system:masters]" method=POST path=/authenticate
 *  uid="aws-iam-authenticator:1:AROA" username="kubernetes-admin"`
 * → a LogEvent with source `eks_authenticator`.
 */
import { severityFromText, severityText, parseRfc3339Nanos } from '../../core/index.ts';
import type { LogEventInput } from '../../core/index.ts';
import { redactText } from './redact.ts';

/** Parses a logfmt line (`k=v k="quoted \"v\""`) into a flat map. */
export function parseLogfmt(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9_.\-/]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    out[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}

/** True when a CloudWatch message looks like an authenticator logfmt line. */
export function looksLikeAuthenticator(line: string): boolean {
  return /^time="?[^"\s]+"? level=\w+ msg=/.test(line.trimStart());
}

export interface AuthenticatorContext {
  cluster?: string;
  /** CloudWatch timestamp (ms), used when the line has no `time=` */
  fallbackTs: number;
  /** CloudWatch event id, for the dedup key */
  eventId?: string;
  logStream?: string;
}

export function authenticatorToLogEvent(line: string, ctx: AuthenticatorContext): LogEventInput {
  const red = redactText(line.trim());
  const f = parseLogfmt(red.text);
  const time = f.time ? parseRfc3339Nanos(f.time) : undefined;
  const sev = severityFromText(f.level) || 9;
  const user = f.username || f.arn;
  const msg = f.msg ?? red.text;
  const ev: LogEventInput = {
    ts: time?.ts ?? ctx.fallbackTs,
    source: 'eks_authenticator',
    severityNumber: sev,
    severityText: severityText(sev),
    message: user ? `${msg} user=${user}` : msg,
    attrs: { ...f, ...(ctx.logStream ? { logStream: ctx.logStream } : {}) },
    raw: red.text,
  };
  if (time) ev.tsNanos = time.tsNanos;
  if (ctx.cluster) ev.cluster = ctx.cluster;
  if (user) ev.user = user;
  if (f.groups) {
    const groups = f.groups.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
    if (groups.length) ev.groups = groups;
  }
  if (f.client) ev.sourceIp = f.client.replace(/^\[?([^\]]*?)\]?:\d+$/, '$1');
  if (f.msg === 'access granted') ev.decision = 'allow';
  else if (f.msg === 'access denied') ev.decision = 'forbid';
  if (f.error) ev.reason = f.error;
  if (ctx.eventId) ev.dedupKey = `eks_authenticator:${ctx.cluster ?? ''}:${ctx.eventId}`;
  return ev;
}
