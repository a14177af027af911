/**
 * Redaction of Kubernetes audit events (see docs/audit-mapping.md, "Redaction").
 *
 * What is replaced by `[REDACTED sha256:<12 hex>]`:
 * - Secret `data` / `stringData` values in requestObject / responseObject: objects with
 *   `kind: Secret` (any apiVersion, also nested in Lists and Tables, also GKE `@type: ...Secret`),
 *   and for events on the `secrets` resource also kind-less bodies (patches, list items) and
 *   JSON-patch operations on `/data` / `/stringData`; the `kubectl.kubernetes.io/last-applied-configuration`
 *   annotation of a Secret is redacted the same way (it holds the whole Secret).
 * - Values of credential keys anywhere (`token` — TokenRequest `status.token`, TokenReview
 *   `spec.token` —, `authorization`, `cookie`, `password`, `client-key-data`, ...; see SENSITIVE_KEYS).
 * - Inside any string (annotations, requestURI, ConfigMap values...): `Authorization:` / `Cookie:`
 *   header values, `Bearer` / `Basic` credentials, `access_token=` / `token=` query parameters, and
 *   kubeconfig-style `token:` / `client-key-data:` / `password:` lines.
 * The input is never modified; a redacted deep copy is returned with the number of replacements.
 */
import { isRedacted, redactText, redactedMarker, SENSITIVE_KEYS } from './redact-text.ts';

export { redactText, redactedMarker, SENSITIVE_KEYS };

export interface Redacted<T> {
  value: T;
  count: number;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Redactor {
  count = 0;

  secretValue(v: unknown): unknown {
    if (v === null || v === undefined) return v;
    let s: string;
    try {
      s = typeof v === 'string' ? v : JSON.stringify(v);
    } catch {
      s = '[unencodable value]'; // deeper than JSON.stringify's stack: still replaced, never kept
    }
    if (isRedacted(s)) return v;
    this.count++;
    return redactedMarker(s);
  }

  /** Redacts data/stringData (and last-applied) of an object known or believed to be a Secret. */
  secretFields(o: Obj): void {
    for (const key of ['data', 'stringData']) {
      const d = o[key];
      if (isObj(d)) for (const k of Object.keys(d)) d[k] = this.secretValue(d[k]);
      else if (d !== undefined && d !== null) o[key] = this.secretValue(d);
    }
    const meta = o.metadata;
    const ann = isObj(meta) ? meta.annotations : undefined;
    if (isObj(ann) && typeof ann[LAST_APPLIED] === 'string') {
      const text = ann[LAST_APPLIED];
      try {
        const parsed: unknown = JSON.parse(text);
        if (isObj(parsed)) {
          this.secretFields(parsed);
          ann[LAST_APPLIED] = JSON.stringify(parsed);
        } else ann[LAST_APPLIED] = this.secretValue(text);
      } catch {
        ann[LAST_APPLIED] = this.secretValue(text);
      }
    }
  }

  /** A body sent to or returned by the `secrets` resource, whatever its kind. */
  secretsBody(body: unknown): void {
    if (Array.isArray(body)) {
      // JSON patch: [{op, path: "/data/key", value}]
      for (const op of body) {
        if (isObj(op) && typeof op.path === 'string' && /^\/(data|stringData)(\/|$)/.test(op.path) && 'value' in op) {
          op.value = isObj(op.value) ? this.mapValues(op.value) : this.secretValue(op.value);
        }
      }
      return;
    }
    if (!isObj(body)) return;
    this.secretFields(body);
    if (Array.isArray(body.items)) for (const it of body.items) if (isObj(it)) this.secretFields(it);
  }

  mapValues(o: Obj): Obj {
    for (const k of Object.keys(o)) o[k] = this.secretValue(o[k]);
    return o;
  }

  text(s: string): string {
    const r = redactText(s);
    this.count += r.count;
    return r.text;
  }

  /**
   * Generic walk: Secret objects anywhere, credential keys, credential text in strings. Iterative
   * (an explicit stack of containers, each visited once, parents before children), so any depth
   * is safe; strings are replaced in their parent.
   */
  walk(root: unknown): unknown {
    if (typeof root === 'string') return this.text(root);
    const stack: unknown[] = [root];
    while (stack.length > 0) {
      const v = stack.pop();
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          if (typeof x === 'string') v[i] = this.text(x);
          else if (x !== null && typeof x === 'object') stack.push(x);
        }
        continue;
      }
      if (!isObj(v)) continue;
      if (isSecretObject(v)) this.secretFields(v);
      for (const k of Object.keys(v)) {
        const val = v[k];
        if (typeof val === 'string') {
          if (!SENSITIVE_KEYS.has(k.toLowerCase())) v[k] = this.text(val);
          else if (val !== '' && !isRedacted(val)) v[k] = this.secretValue(val);
        } else if (val !== null && typeof val === 'object') stack.push(val);
      }
    }
    return root;
  }
}

/** A deep copy of a JSON-like value without recursion (plain objects and arrays copied here, other objects by structuredClone). */
function cloneJson<T>(value: T): T {
  const root = copyOf(value);
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const c = stack.pop();
    if (!Array.isArray(c) && !isPlain(c)) continue;
    const o = c as Obj;
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (x !== null && typeof x === 'object') stack.push((o[k] = copyOf(x)));
    }
  }
  return root as T;
}

function copyOf(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.slice();
  return isPlain(v) ? { ...(v as Obj) } : structuredClone(v);
}

function isPlain(v: unknown): boolean {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

function isSecretObject(o: Obj): boolean {
  if (o.kind === 'Secret') return true;
  const t = o['@type'];
  return typeof t === 'string' && /(^|[./])Secret$/.test(t);
}

function isSecretsResource(ev: Obj): boolean {
  const ref = ev.objectRef;
  return isObj(ref) && ref.resource === 'secrets' && (ref.apiGroup === undefined || ref.apiGroup === '' || ref.apiGroup === 'core');
}

/**
 * Returns a redacted deep copy of an audit Event and the number of values replaced; with
 * `inPlace` the event itself is redacted (for decoders that own the freshly parsed object).
 */
export function redactAuditEvent<T>(event: T, opts: { inPlace?: boolean } = {}): Redacted<T> {
  const copy = opts.inPlace ? event : cloneJson(event);
  const r = new Redactor();
  if (isObj(copy) && isSecretsResource(copy)) {
    r.secretsBody(copy.requestObject);
    r.secretsBody(copy.responseObject);
  }
  const value = r.walk(copy) as T;
  return { value, count: r.count };
}

/** Redacts any JSON value with the generic rules (Secret objects, credential keys and text). */
export function redactJson<T>(value: T): Redacted<T> {
  const r = new Redactor();
  const out = r.walk(cloneJson(value)) as T;
  return { value: out, count: r.count };
}
