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
    const s = typeof v === 'string' ? v : JSON.stringify(v);
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

  /** Generic walk: Secret objects anywhere, credential keys, credential text in strings. */
  walk(v: unknown): unknown {
    if (typeof v === 'string') {
      const r = redactText(v);
      this.count += r.count;
      return r.text;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.walk(v[i]);
      return v;
    }
    if (!isObj(v)) return v;
    if (isSecretObject(v)) this.secretFields(v);
    for (const k of Object.keys(v)) {
      const val = v[k];
      if (typeof val === 'string' && SENSITIVE_KEYS.has(k.toLowerCase())) {
        if (val !== '' && !isRedacted(val)) v[k] = this.secretValue(val);
      } else v[k] = this.walk(val);
    }
    return v;
  }
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
  const copy = opts.inPlace ? event : structuredClone(event);
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
  const out = r.walk(structuredClone(value)) as T;
  return { value: out, count: r.count };
}
