/**
 * Volume planning: replay captured audit Events through a policy and estimate, per rule, how
 * many events and bytes it would keep. An event is re-serialized as the new level would write
 * it (Metadata drops requestObject and responseObject, Request drops responseObject); an event
 * whose stage the decision omits is dropped. Bodies the capture lacks cannot be added, so
 * raising the level gives a lower bound.
 */
import { decisionFor, matchingRule } from './checker.ts';
import type { AuditDecision, Level, Policy, RequestAttributes } from './types.ts';

export interface RuleVolume {
  /** rule index, or -1 for requests no rule matches (default level None) */
  rule: number;
  line: number | undefined;
  level: Level;
  matched: number;
  /** matched events written (level not None and stage not omitted) */
  kept: number;
  /** matched events at a logged level whose stage is omitted */
  droppedByStage: number;
  /** estimated bytes written for the kept events (one JSON line each) */
  bytes: number;
}

export interface ReplayReport {
  rules: RuleVolume[];
  total: { events: number; skipped: number; kept: number; bytes: number; inputBytes: number };
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Request attributes as the policy checker saw them when the event was produced. */
export function attributesFromEvent(event: unknown): RequestAttributes | undefined {
  const e = obj(event);
  if (e === undefined || typeof e.verb !== 'string') return undefined;
  const attrs: RequestAttributes = { verb: e.verb };
  const user = obj(e.user);
  const username = str(user?.username);
  if (username !== undefined && username !== '') {
    attrs.user = username;
    attrs.groups = Array.isArray(user?.groups) ? user.groups.filter((g): g is string => typeof g === 'string') : [];
  }
  const ref = obj(e.objectRef);
  if (ref !== undefined) {
    attrs.resourceRequest = true;
    const apiVersion = str(ref.apiVersion) ?? '';
    // v1beta1-era events may carry "group/version" in apiVersion and no apiGroup
    attrs.apiGroup = str(ref.apiGroup) ?? (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
    attrs.resource = str(ref.resource) ?? '';
    attrs.subresource = str(ref.subresource) ?? '';
    attrs.namespace = str(ref.namespace) ?? '';
    attrs.name = str(ref.name) ?? '';
  } else {
    attrs.resourceRequest = false;
    attrs.path = (str(e.requestURI) ?? '').split('?')[0];
  }
  return attrs;
}

function dropManagedFields(body: unknown): unknown {
  const b = obj(body);
  const meta = obj(b?.metadata);
  if (b === undefined || meta === undefined || !('managedFields' in meta)) return body;
  const { managedFields: _drop, ...rest } = meta;
  return { ...b, metadata: rest };
}

/** The event as it would be written at `decision`'s level; undefined when it is not written. */
export function eventAtDecision(event: Obj, decision: AuditDecision): Obj | undefined {
  if (decision.level === 'None') return undefined;
  const stage = str(event.stage);
  if (stage !== undefined && (decision.omitStages as string[]).includes(stage)) return undefined;
  const out: Obj = { ...event, level: decision.level };
  if (decision.level === 'Metadata') delete out.requestObject;
  if (decision.level !== 'RequestResponse') delete out.responseObject;
  if (decision.omitManagedFields) {
    if (out.requestObject !== undefined) out.requestObject = dropManagedFields(out.requestObject);
    if (out.responseObject !== undefined) out.responseObject = dropManagedFields(out.responseObject);
  }
  return out;
}

function lineBytes(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v)) + 1;
}

/** Replays events through the policy; items that are not audit Events are counted as skipped. */
export function replayEvents(policy: Policy, events: Iterable<unknown>): ReplayReport {
  const byRule = new Map<number, RuleVolume>();
  const total = { events: 0, skipped: 0, kept: 0, bytes: 0, inputBytes: 0 };
  for (const event of events) {
    const attrs = attributesFromEvent(event);
    if (attrs === undefined) {
      total.skipped++;
      continue;
    }
    const e = event as Obj;
    total.events++;
    total.inputBytes += lineBytes(e);
    const index = matchingRule(policy, attrs);
    const decision = decisionFor(policy, index);
    let v = byRule.get(index);
    if (v === undefined) {
      v = { rule: index, line: policy.rules[index]?.line, level: decision.level, matched: 0, kept: 0, droppedByStage: 0, bytes: 0 };
      byRule.set(index, v);
    }
    v.matched++;
    const written = eventAtDecision(e, decision);
    if (written !== undefined) {
      v.kept++;
      const n = lineBytes(written);
      v.bytes += n;
      total.kept++;
      total.bytes += n;
    } else if (decision.level !== 'None') {
      v.droppedByStage++;
    }
  }
  const rules = [...byRule.values()].sort((a, b) => (a.rule < 0 ? 1 : b.rule < 0 ? -1 : a.rule - b.rule));
  return { rules, total };
}

/** Splits JSON lines or a JSON EventList / array into event objects (blank lines skipped). */
export function parseEventsText(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.includes('\n'))) {
    try {
      return unwrap(JSON.parse(trimmed) as unknown);
    } catch {
      // fall through to JSON lines
    }
  }
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(...unwrap(JSON.parse(line) as unknown));
    } catch {
      out.push(undefined);
    }
  }
  return out;
}

function unwrap(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  const o = obj(v);
  if (o !== undefined && o.kind === 'EventList' && Array.isArray(o.items)) return o.items;
  return [v];
}
