/**
 * GCP `gcp.audit.method_name` → checks on the audit Event Argus stores for a GKE entry. The
 * decoder (src/sources/k8s-audit/gke.ts) does not keep methodName: it splits
 * `io.k8s.<reversed group>.<version>.<resource>[.<subresource>].<verb>` into objectRef and verb.
 * So a method-name pattern is split the same way, segment by segment (a `*` inside a segment
 * stays inside it). Accepted shapes (S = segment, `*` may appear inside segments):
 *   exact / startswith:  <group>.<version>[.<resource>[.<subresource>].<verb>]  (group as
 *       `io.k8s.<reversed>` — `io.k8s.api.<group>` OpenAPI type names too — or the API group name);
 *       `<group>.<version>.<Kind>` (OpenAPI type name) = any verb on the kind's resource
 *   endswith: `verb`, `.verb`, `resource.verb`, `resource.subresource.verb`
 *   contains: `.S.` (resource or subresource is S), or text without dots (in any part)
 * Anything else is refused with a reason.
 */
import { groupFromReversed } from '../../sources/k8s-audit/index.ts';
import { toksText } from './modifiers.ts';
import type { Check, Cond, Result, Tok } from './types.ts';
import { and, existsCheck, fail, lit, ok, or, strCheck } from './types.ts';

export const METHOD_FIELD = 'gcp.audit.method_name';
const VERSION = /^v\d+(?:(?:alpha|beta)\d+)?$/;
const ANY: Tok = { t: 'any' };

function split(toks: readonly Tok[]): Tok[][] {
  const segs: Tok[][] = [[]];
  for (const t of toks) {
    if (t.t !== 'lit') {
      segs[segs.length - 1]!.push(t);
      continue;
    }
    const parts = t.v.split('.');
    parts.forEach((p, i) => {
      if (i > 0) segs.push([]);
      if (p) segs[segs.length - 1]!.push({ t: 'lit', v: p });
    });
  }
  return segs;
}

const text = (s: readonly Tok[]) => toksText(s);
const isVersion = (s: readonly Tok[], partial: boolean): boolean => {
  const t = text(s);
  if (t !== undefined) return VERSION.test(t) || (partial && /^v(\d+((alpha|beta)\d*)?)?$/.test(t));
  return s[0]?.t === 'lit' && /^v\d*$/.test(s[0].v);
};

const res = (s: Tok[]) => strCheck('objectRef.resource', s);
const sub = (s: Tok[]) => strCheck('objectRef.subresource', s);
const verb = (s: Tok[]) => strCheck('verb', s);
const noSub = () => existsCheck('objectRef.subresource', false);

/** OpenAPI kind → resource: lower-case plural (Job → jobs, NetworkPolicy → networkpolicies). */
export function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k === 'endpoints') return k;
  if (/(s|x|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

function groupCond(segs: Tok[][]): Result<Cond> {
  const words = segs.map(text);
  if (words.some((w) => w === undefined || w === '')) return fail('wildcards in the API group part');
  let parts = words as string[];
  let group: string;
  if (parts[0] === 'io' && parts[1] === 'k8s') {
    if (parts[2] === 'api' && parts.length > 3) parts = ['io', 'k8s', ...parts.slice(3)];
    group = groupFromReversed(parts);
  } else group = parts.join('.').toLowerCase();
  if (group === '') return ok(or([existsCheck('objectRef.apiGroup', false), strCheck('objectRef.apiGroup', [])]));
  return ok(strCheck('objectRef.apiGroup', lit(group)));
}

function versionCond(seg: Tok[], partial: boolean): Cond[] {
  const toks = partial ? [...seg, ANY] : seg;
  // every Kubernetes API version starts with 'v': `v*` constrains nothing
  if (toks.length === 2 && toks[0]!.t === 'lit' && toks[0]!.v === 'v' && toks[1]!.t === 'any') return [];
  return [strCheck('objectRef.apiVersion', toks)];
}

/** Anchored at the start: group.version[.rest]; `openEnd` when the pattern ends with `*`. */
function fromStart(segs: Tok[][], openEnd: boolean): Result<Cond> {
  const last = segs.length - 1;
  const vi = segs.findIndex((s, i) => i > 0 && isVersion(s, openEnd && i === last));
  if (vi < 0) return fail('no API version segment (v1, v1beta1, v*) after the group');
  const g = groupCond(segs.slice(0, vi));
  if (!g.ok) return g;
  const out: Cond[] = [g.value, ...versionCond(segs[vi]!, openEnd && vi === last)];
  let rest = segs.slice(vi + 1);
  if (openEnd) {
    if (rest.length > 0 && rest[rest.length - 1]!.length === 0) rest = rest.slice(0, -1);
    else if (rest.length > 0) rest[rest.length - 1] = [...rest[rest.length - 1]!, ANY];
    if (rest.length === 1) out.push(res(rest[0]!));
    else if (rest.length === 2) out.push(res(rest[0]!), or([sub(rest[1]!), and([noSub(), verb(rest[1]!)])]));
    else if (rest.length > 2) return fail('too many segments after the resource');
    return ok(and(out));
  }
  const kind = rest.length === 1 ? text(rest[0]!) : undefined;
  if (kind !== undefined && /^[A-Z]/.test(kind)) out.push(res(lit(pluralOf(kind))));
  else if (rest.length === 2) out.push(res(rest[0]!), noSub(), verb(rest[1]!));
  else if (rest.length > 2) out.push(res(rest[0]!), sub(lit(rest.slice(1, -1).map((s) => text(s) ?? '').join('.'))), verb(rest[rest.length - 1]!));
  else return fail('expected <resource>.<verb> or an OpenAPI Kind after the version');
  return ok(and(out));
}

function fromEnd(segs: Tok[][]): Result<Cond> {
  const first = segs[0]!;
  const head = first.length === 0 ? undefined : [ANY, ...first];
  const rest = head ? [head, ...segs.slice(1)] : segs.slice(1);
  const v = verb(rest[rest.length - 1]!);
  if (segs.length === 1) return ok(verb(head!));
  if (rest.length === 1) return ok(v);
  // <resource>.<verb> (no subresource) or <subresource>.<verb>
  if (rest.length === 2) return ok(and([or([and([res(rest[0]!), noSub()]), sub(rest[0]!)]), v]));
  if (rest.length === 3) return ok(and([res(rest[0]!), sub(rest[1]!), v]));
  return fail('endswith patterns must be <verb>, .<verb>, <resource>.<verb> or <resource>.<subresource>.<verb>');
}

function fromMiddle(segs: Tok[][], toks: Tok[]): Result<Cond> {
  if (segs.length === 3 && segs[0]!.length === 0 && segs[2]!.length === 0) return ok(or([res(segs[1]!), sub(segs[1]!)]));
  if (segs.length === 1) {
    const inner = [ANY, ...toks, ANY];
    return ok(or(['verb', 'objectRef.resource', 'objectRef.subresource', 'objectRef.apiGroup', 'objectRef.apiVersion'].map((fl) => strCheck(fl, inner))));
  }
  return fail("contains patterns must be '.<segment>.' or text without dots");
}

function methodCond(toks: Tok[]): Result<Cond> {
  const openStart = toks[0]?.t === 'any';
  const openEnd = toks.length > 1 && toks[toks.length - 1]?.t === 'any';
  const body = toks.slice(openStart ? 1 : 0, openEnd ? -1 : undefined);
  if (body.length === 0) return ok(existsCheck('verb', true));
  const segs = split(body);
  if (!openStart) return fromStart(segs, openEnd);
  if (!openEnd) return fromEnd(segs);
  return fromMiddle(segs, body);
}

/** Rewrites GCP field checks onto audit Event fields; undefined for fields that need no rewrite. */
export function rewriteGcpCheck(c: Check): Result<Cond> | undefined {
  if (c.field === 'gcp.audit.principal_email') return ok({ ...c, field: 'user.username' });
  if (c.field !== METHOD_FIELD) return undefined;
  if (c.op === 'exists') return ok(existsCheck('verb', true));
  if (c.value.kind !== 'str') return fail(`${METHOD_FIELD}: only string patterns can be mapped onto the stored audit Event (got ${c.value.kind})`);
  const r = methodCond(c.value.toks);
  if (!r.ok) return fail(`${METHOD_FIELD} pattern '${render(c.value.toks)}' cannot be mapped onto the stored audit Event fields: ${r.reason}`);
  return r;
}

function render(toks: readonly Tok[]): string {
  return toks.map((t) => (t.t === 'lit' ? t.v : t.t === 'any' ? '*' : '?')).join('');
}
