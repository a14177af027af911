/**
 * EKS: control-plane logs in CloudWatch Logs, log group `/aws/eks/<cluster>/cluster`.
 * Shapes: FilterLogEvents output `{events:[{logStreamName,timestamp,message,eventId}]}` and the
 * decoded subscription payload `{messageType,logGroup,logStream,logEvents:[{id,timestamp,message}]}`.
 * `kube-apiserver-audit-*` messages are audit Event JSON; `authenticator-*` messages are
 * aws-iam-authenticator lines; other streams are skipped. CloudWatch cuts lines longer than its
 * limit and appends `[Truncated...]`: such messages are errors.
 */
import type { Collector } from './collect.ts';
import { parseJson } from './collect.ts';
import { authenticatorToLogEvent, looksLikeAuthenticator } from './eks-authenticator.ts';
import { isObject } from './validate.ts';

export const TRUNCATED_SUFFIX = '[Truncated...]';

/** `/aws/eks/<cluster>/cluster` → `<cluster>` */
export function eksClusterFromLogGroup(group: unknown): string | undefined {
  if (typeof group !== 'string') return undefined;
  return /^\/aws\/eks\/([^/]+)\/cluster$/.exec(group)?.[1];
}

export function isEksDocument(doc: unknown): boolean {
  if (!isObject(doc) || doc.kind !== undefined) return false;
  return Array.isArray(doc.logEvents) || Array.isArray(doc.events) || doc.messageType === 'CONTROL_MESSAGE';
}

/** Decodes either CloudWatch shape; returns false if `doc` is neither. */
export function collectEks(c: Collector, doc: unknown): boolean {
  if (!isEksDocument(doc)) return false;
  const d = doc as Record<string, unknown>;
  if (d.messageType === 'CONTROL_MESSAGE') return true;
  const items = (Array.isArray(d.logEvents) ? d.logEvents : d.events) as unknown[];
  const cluster = c.cluster({ cluster: eksClusterFromLogGroup(d.logGroup) });
  const hints = cluster === undefined ? undefined : { cluster };
  items.forEach((item, i) => c.guard(i, () => {
    if (!isObject(item) || typeof item.message !== 'string') return c.error(i, 'message is required', 'message');
    const msg = item.message;
    const stream = typeof item.logStreamName === 'string' ? item.logStreamName : typeof d.logStream === 'string' ? d.logStream : '';
    const id = typeof item.eventId === 'string' ? item.eventId : typeof item.id === 'string' ? item.id : undefined;
    if (stream.startsWith('authenticator') || looksLikeAuthenticator(msg)) {
      const fallbackTs = typeof item.timestamp === 'number' ? item.timestamp : c.ctx.receivedAt;
      const ctx = { fallbackTs, ...(cluster ? { cluster } : {}), ...(id ? { eventId: id } : {}), ...(stream ? { logStream: stream } : {}) };
      c.push(authenticatorToLogEvent(msg, ctx), i);
      return;
    }
    if (msg.trimEnd().endsWith(TRUNCATED_SUFFIX)) return c.error(i, 'message was truncated by CloudWatch Logs ([Truncated...])', 'message');
    if (!msg.trimStart().startsWith('{')) return c.skip(i, `not an audit or authenticator line (stream ${stream || 'unknown'})`);
    const p = parseJson(msg);
    if (!p.ok) return c.error(i, p.message, 'message');
    c.audit(p.value, i, hints);
  }));
  return true;
}
