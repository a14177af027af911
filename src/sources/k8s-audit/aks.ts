/**
 * AKS: Azure Monitor diagnostic settings → Event Hub / storage body `{"records":[...]}`.
 * `kube-audit` / `kube-audit-admin` records carry one audit Event JSON (rarely an array) in
 * `properties.log`. Other categories (kube-apiserver, kube-controller-manager, guard, ...) carry
 * control-plane log text; they become plain `aks_control_plane` events, never audit events.
 */
import { SEVERITY, parseRfc3339Nanos } from '../../core/index.ts';
import type { LogEventInput } from '../../core/index.ts';
import type { Collector } from './collect.ts';
import { redactText } from './redact.ts';
import { isObject } from './validate.ts';

export const AKS_AUDIT_CATEGORIES: ReadonlySet<string> = new Set(['kube-audit', 'kube-audit-admin']);

/**
 * The JSON guard of falco's k8saudit-aks (fastjson.ValidateBytes before parsing): true only for
 * a complete JSON object or array, optionally after JSON whitespace. A UTF-8 BOM, klog lines,
 * plain text, empty or truncated input are not JSON.
 */
export function isValidJsonLog(text: string): boolean {
  if (!/^[ \t\r\n]*[{[]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Cluster name from `/SUBSCRIPTIONS/.../MANAGEDCLUSTERS/<name>` (Azure upper-cases it; we lower-case). */
export function aksClusterFromResourceId(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const m = /\/managedclusters\/([^/]+)/i.exec(id);
  return m ? m[1]!.toLowerCase() : undefined;
}

const KLOG_LEVEL: Record<string, number> = { I: SEVERITY.INFO, W: SEVERITY.WARN, E: SEVERITY.ERROR, F: SEVERITY.FATAL };

function controlPlaneEvent(rec: Record<string, unknown>, props: Record<string, unknown>, line: string, cluster: string | undefined, receivedAt: number): LogEventInput {
  const time = typeof rec.time === 'string' ? parseRfc3339Nanos(rec.time) : undefined;
  const text = redactText(line.replace(/\r?\n$/, ''));
  const sevNum = /^[IWEF]\d{4} /.test(text.text) ? KLOG_LEVEL[text.text[0]!]! : 0;
  const ev: LogEventInput = {
    ts: time?.ts ?? receivedAt,
    source: 'aks_control_plane',
    severityNumber: sevNum,
    message: text.text,
    attrs: { category: rec.category, resourceId: rec.resourceId, ccpNamespace: rec.ccpNamespace, containerID: props.containerID },
  };
  if (time) ev.tsNanos = time.tsNanos;
  if (sevNum) ev.severityText = sevNum === SEVERITY.INFO ? 'INFO' : sevNum === SEVERITY.WARN ? 'WARN' : sevNum === SEVERITY.ERROR ? 'ERROR' : 'FATAL';
  if (cluster) ev.cluster = cluster;
  if (typeof props.pod === 'string') ev.pod = props.pod;
  if (typeof rec.category === 'string') ev.container = rec.category;
  if (typeof props.stream === 'string') ev.stream = props.stream;
  return ev;
}

/** Decodes `{records:[...]}`; returns false if `doc` is not that shape. */
export function collectAks(c: Collector, doc: unknown): boolean {
  if (!isObject(doc) || !Array.isArray(doc.records)) return false;
  doc.records.forEach((rec: unknown, i: number) => c.guard(i, () => {
    if (!isObject(rec)) return c.error(i, 'record must be an object');
    const props = rec.properties;
    if (!isObject(props) || typeof props.log !== 'string') return c.error(i, 'properties.log is required', 'properties.log');
    const cluster = c.cluster({ cluster: aksClusterFromResourceId(rec.resourceId) });
    const hints = cluster === undefined ? undefined : { cluster };
    const category = typeof rec.category === 'string' ? rec.category : '';
    if (!AKS_AUDIT_CATEGORIES.has(category)) {
      c.push(controlPlaneEvent(rec, props, props.log, cluster, c.ctx.receivedAt), i);
      return;
    }
    if (!isValidJsonLog(props.log)) return c.error(i, `${category} record: properties.log is not JSON`, 'properties.log');
    const value: unknown = JSON.parse(props.log);
    if (Array.isArray(value)) value.forEach((v) => c.audit(v, i, hints));
    else c.audit(value, i, hints);
  }));
  return true;
}
