/**
 * The ingest properties: the answer is one of 200/207/400/413/415 (or 503 with Retry-After), the
 * good events of a decodable body are acknowledged, and then every marked item is stored exactly
 * as often as the answer said (once if acknowledged, never otherwise), found by querying its marker.
 */
import type { Outcome, Req } from './http.ts';
import { parseJson, preview, send } from './http.ts';
import { CaseFailure } from './property.ts';
import type { FuzzServer } from './server.ts';

export const INGEST_STATUSES = [200, 207, 400, 413, 415];
const RESERVED_SOURCES = new Set(['k8s_audit', 'alert', 'argus_audit']);

export interface Expect {
  /** per item, in body order (array index, NDJSON line, envelope record) */
  items: { good: boolean; marker?: string; reserved?: boolean }[];
  /** the server must decode it and acknowledge every good item */
  mustAckGoods: boolean;
  /** this exact status is required (413 for a body over the limit, 401 for a bad token...) */
  status?: number;
  /** what the case is, for the failure message */
  what: string;
}

interface BatchBody {
  accepted?: number;
  duplicates?: number;
  errors?: { index: number; message?: string }[];
  error?: { code?: string; message?: string };
}

export function describeReq(req: Req): string {
  return `${req.method} ${req.path.length > 200 ? `${req.path.slice(0, 200)}…` : req.path} headers=${JSON.stringify(req.headers ?? {})} body=${preview(req.body)}`;
}

export function fail(req: Req, msg: string, extra = ''): never {
  throw new CaseFailure(`${msg}\n  request: ${describeReq(req)}${extra ? `\n  ${extra}` : ''}`);
}

/** Sends the request and checks the answer; returns, per item, whether it was acknowledged. */
export async function ingestAndCheck(server: FuzzServer, req: Req, exp: Expect): Promise<boolean[]> {
  const out = await send(server, req);
  return checkIngestAnswer(req, out, exp);
}

export function checkIngestAnswer(req: Req, out: Outcome, exp: Expect): boolean[] {
  if (!out.ok) fail(req, `no answer to ${exp.what}: ${out.why}: ${out.detail}`);
  const body = parseJson(out.text) as BatchBody | undefined;
  const show = `answer: ${out.status} ${preview(out.text, 600)}`;
  if (out.status === 503 && out.headers.get('retry-after')) return exp.items.map(() => false);
  if (out.status >= 500) fail(req, `${exp.what} answered ${out.status} (a 5xx)`, show);
  if (exp.status !== undefined && out.status !== exp.status) fail(req, `${exp.what} answered ${out.status}, expected ${exp.status}`, show);
  if (!INGEST_STATUSES.includes(out.status) && exp.status === undefined) fail(req, `${exp.what} answered ${out.status}, not one of ${INGEST_STATUSES.join('/')}`, show);
  if (body === undefined || typeof body !== 'object') fail(req, `${exp.what}: the answer is not JSON`, show);
  const goods = exp.items.filter((i) => i.good).length;
  let acked: boolean[];
  if (out.status === 200) acked = exp.items.map(() => true);
  else if (out.status === 207) {
    const bad = new Set((body.errors ?? []).map((e) => e.index));
    acked = exp.items.map((_, i) => !bad.has(i));
  } else acked = exp.items.map(() => false);
  if (exp.mustAckGoods && goods > 0) {
    if (out.status !== 200 && out.status !== 207) fail(req, `${exp.what}: ${goods} good event(s) in a decodable body, but the whole batch was refused`, show);
    const lost = exp.items.map((it, i) => (it.good && !acked[i] ? i : -1)).filter((i) => i >= 0);
    if (lost.length > 0) fail(req, `${exp.what}: good event(s) at index ${lost.join(', ')} rejected`, show);
  }
  return acked;
}

interface TableResult {
  kind?: string;
  columns?: string[];
  rows?: unknown[][];
  stats?: { pendingRows?: number };
}

/**
 * Counts the stored events carrying `tag` in their message, by user (= marker) and source.
 * Retries while the store reports acknowledged rows not yet queryable (bounded).
 */
export async function countMarkers(server: FuzzServer, tag: string, extra = ''): Promise<Map<string, Map<string, number>>> {
  const q = `"${tag}"${extra} | stats count() by user, source`;
  const req: Req = { method: 'GET', path: `/api/v1/query?limit=10000&q=${encodeURIComponent(q)}` };
  for (let attempt = 0; ; attempt++) {
    const out = await send(server, req);
    if (!out.ok) fail(req, `the marker query got no answer: ${out.why}: ${out.detail}`);
    const r = parseJson(out.text) as TableResult | undefined;
    if (out.status !== 200 || !r || !Array.isArray(r.rows)) fail(req, `the marker query answered ${out.status}`, `answer: ${preview(out.text, 600)}`);
    if ((r.stats?.pendingRows ?? 0) > 0 && attempt < 50) {
      await new Promise((res) => setTimeout(res, 100));
      continue;
    }
    const m = new Map<string, Map<string, number>>();
    for (const [user, source, count] of r.rows as [string | null, string | null, number][]) {
      if (typeof user !== 'string') continue;
      // a marker may be followed by odd text, after a space
      const key = user.split(' ')[0]!;
      const e = m.get(key) ?? new Map<string, number>();
      e.set(String(source), (e.get(String(source)) ?? 0) + Number(count));
      m.set(key, e);
    }
    return m;
  }
}

/** Every marked item stored once if acknowledged, never otherwise; forged provenance never stored. */
export async function verifyStored(server: FuzzServer, req: Req, tag: string, exp: Expect, acked: boolean[], extra = ''): Promise<void> {
  if (!exp.items.some((i) => i.marker !== undefined)) return;
  const counts = await countMarkers(server, tag, extra);
  const wrong: string[] = [];
  exp.items.forEach((it, i) => {
    if (it.marker === undefined) return;
    const bySource = counts.get(it.marker) ?? new Map<string, number>();
    // alerts that detection raised about an event may name its user: they are not the event
    let n = 0;
    for (const [src, c] of bySource) if (it.reserved || src !== 'alert') n += c;
    const want = acked[i] ? 1 : 0;
    if (n !== want) {
      wrong.push(`item ${i} (${it.good ? 'good' : 'not checked as good'}, ${acked[i] ? 'acknowledged' : 'rejected'}): stored ${n} time(s), expected ${want}`);
    }
    const forged = [...bySource.keys()].filter((s) => RESERVED_SOURCES.has(s.toLowerCase()));
    if (it.reserved && forged.length > 0) wrong.push(`item ${i}: stored with the reserved source "${forged[0]}" from ${exp.what}`);
  });
  if (wrong.length > 0) fail(req, `${exp.what}: ${wrong.join('; ')}`);
}
