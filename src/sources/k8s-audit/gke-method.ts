import type { AuditObjectRef } from './types.ts';

/** Kubernetes API groups that have no `.k8s.io` suffix (besides the core group ""). */
const LEGACY_GROUPS: ReadonlySet<string> = new Set(['apps', 'batch', 'autoscaling', 'policy', 'extensions']);

const VERSION = /^v\d+(?:(?:alpha|beta)\d+)?$/;

export interface ParsedMethod {
  verb: string;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
}

/** Turns GKE's reversed group ("io.k8s.authorization.rbac") back into the API group ("rbac.authorization.k8s.io"). */
export function groupFromReversed(parts: string[]): string {
  if (parts[0] === 'io' && parts[1] === 'k8s') {
    const rest = parts.slice(2);
    if (rest.length === 0 || (rest.length === 1 && rest[0] === 'core')) return '';
    if (rest.length === 1 && LEGACY_GROUPS.has(rest[0]!)) return rest[0]!;
    return `${[...rest].reverse().join('.')}.k8s.io`;
  }
  return [...parts].reverse().join('.');
}

/**
 * `io.k8s.core.v1.secrets.get` → verb get, group "" (core), version v1, resource secrets;
 * `io.k8s.core.v1.pods.status.patch` → verb patch, resource pods, subresource status.
 */
export function parseMethodName(method: string): ParsedMethod {
  const segs = method.split('.');
  const verb = segs[segs.length - 1] ?? method;
  const vi = segs.findIndex((s, i) => i > 0 && i < segs.length - 1 && VERSION.test(s));
  if (vi < 0) return { verb };
  const after = segs.slice(vi + 1, -1);
  const out: ParsedMethod = { verb, apiGroup: groupFromReversed(segs.slice(0, vi)), apiVersion: segs[vi]! };
  if (after[0]) out.resource = after[0];
  if (after.length > 1) out.subresource = after.slice(1).join('.');
  return out;
}

/**
 * Splits GKE's `resourceName` (`<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]`)
 * into an audit objectRef. `method` disambiguates `core/v1/namespaces/<name>/status`-like names.
 */
export function parseResourceName(name: string, method?: ParsedMethod): AuditObjectRef | undefined {
  const p = name.split('/');
  if (p.length < 3) return undefined;
  const ref: AuditObjectRef = {};
  const group = p[0] === 'core' ? '' : p[0]!;
  if (group !== '') ref.apiGroup = group;
  ref.apiVersion = p[1]!;
  const namespaced = p[2] === 'namespaces' && p.length >= 5 && method?.resource !== 'namespaces';
  const rest = namespaced ? p.slice(4) : p.slice(2);
  if (namespaced) ref.namespace = p[3]!;
  if (rest[0]) ref.resource = rest[0];
  if (rest[1]) ref.name = rest[1];
  if (rest.length > 2) ref.subresource = rest.slice(2).join('/');
  return ref;
}

/** gRPC status code (google.rpc.Code) → HTTP status, as in google/rpc/code.proto. */
const GRPC_TO_HTTP: Record<number, number> = {
  1: 499, // CANCELLED
  2: 500, // UNKNOWN
  3: 400, // INVALID_ARGUMENT
  4: 504, // DEADLINE_EXCEEDED
  5: 404, // NOT_FOUND
  6: 409, // ALREADY_EXISTS
  7: 403, // PERMISSION_DENIED
  8: 429, // RESOURCE_EXHAUSTED
  9: 400, // FAILED_PRECONDITION
  10: 409, // ABORTED
  11: 400, // OUT_OF_RANGE
  12: 501, // UNIMPLEMENTED
  13: 500, // INTERNAL
  14: 503, // UNAVAILABLE
  15: 500, // DATA_LOSS
  16: 401, // UNAUTHENTICATED
};

/**
 * HTTP code for a GKE audit status. OK (0 or absent) is inferred as Falco's k8saudit-gke does:
 * 101 for exec/attach, 201 for create, 200 otherwise.
 */
export function httpCodeFromGrpc(code: number | undefined, verb: string, subresource?: string): number {
  if (code === undefined || code === 0) {
    if (subresource === 'exec' || subresource === 'attach') return 101;
    return verb === 'create' ? 201 : 200;
  }
  return GRPC_TO_HTTP[code] ?? 500;
}
