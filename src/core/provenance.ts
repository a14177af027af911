/**
 * Provenance: which receiver may write which sources and idempotency keys, and the `ingest` field
 * that records the receiver and credential that accepted an event. One check on the ingest path
 * (`claimEvents`), fed by what each receiver declares; a client can never choose any of it.
 */
import { ArgusError } from './errors.ts';
import type { LogEventInput } from './log-event.ts';

/** What a receiver may write. Several receivers of one source family share one declaration. */
export interface SourceOwnership {
  /** the sources it writes (lower case), or 'unreserved': any source no declaration lists */
  sources: readonly string[] | 'unreserved';
  /**
   * its idempotency-key namespace: every dedupKey it stores starts with one of these; a key outside
   * them is moved under the first (deterministic, so retries still dedupe; it can never collide
   * with another receiver's keys)
   */
  keyPrefixes: readonly [string, ...string[]];
}

export interface IngestReceiver {
  /** `generic`, `k8s-audit`, `detection`, ...: the first part of the `ingest` field */
  name: string;
  owns: SourceOwnership;
}

/** Who is handing a batch to ingest: a declared receiver and the credential it accepted. */
export interface IngestOrigin {
  receiver: string;
  /** `anonymous`, `token:<cluster>`, `mtls:<CN>`, `unauthenticated`; never a secret */
  credential?: string;
}

/** An event refused by its receiver's ownership; `position` is its index in the claimed array. */
/** An event ingest did not store: `position` is its index in the batch handed to ingest. */
export interface IngestRejection {
  position: number;
  field?: string;
  message: string;
}

export interface ProvenancePolicy {
  readonly receivers: ReadonlyMap<string, SourceOwnership>;
  /** lower-cased source -> the receivers that own it */
  readonly reserved: ReadonlyMap<string, readonly string[]>;
}

const prefixClash = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

/**
 * The policy of a set of receivers. Throws INTERNAL when two declarations claim the same source or
 * overlapping key prefixes (receivers sharing one declaration object share its family).
 */
export function provenancePolicy(receivers: readonly IngestReceiver[]): ProvenancePolicy {
  const byName = new Map<string, SourceOwnership>();
  const reserved = new Map<string, string[]>();
  const sourceOwner = new Map<string, SourceOwnership>();
  for (const r of receivers) {
    if (byName.has(r.name)) throw new ArgusError('INTERNAL', `receiver "${r.name}" is declared twice`);
    for (const [other, o] of byName) {
      if (o === r.owns) continue;
      const clash = r.owns.keyPrefixes.find((p) => o.keyPrefixes.some((q) => prefixClash(p, q)));
      if (clash !== undefined) throw new ArgusError('INTERNAL', `receivers "${r.name}" and "${other}" both claim keys under "${clash}"`);
    }
    byName.set(r.name, r.owns);
    if (r.owns.sources === 'unreserved') continue;
    for (const s of r.owns.sources.map((x) => x.toLowerCase())) {
      const prev = sourceOwner.get(s);
      if (prev !== undefined && prev !== r.owns) throw new ArgusError('INTERNAL', `source "${s}" is claimed by two receiver families`);
      sourceOwner.set(s, r.owns);
      reserved.set(s, [...(reserved.get(s) ?? []), r.name]);
    }
  }
  return { receivers: byName, reserved };
}

/** The `ingest` value of an origin: `generic/anonymous`, `k8s-audit/token:prod`, `detection`. */
export function ingestLabel(origin: IngestOrigin): string {
  return origin.credential ? `${origin.receiver}/${origin.credential}` : origin.receiver;
}

/**
 * Applies the origin's ownership to a decoded batch: an event of a source it may not write is
 * refused, a dedupKey outside its namespace is moved into it, and `ingest` is set (overwriting
 * whatever a decoder left there). Accepted events are completed in place (decoders hand over
 * fresh objects) and returned in input order.
 */
export function claimEvents(
  policy: ProvenancePolicy,
  origin: IngestOrigin,
  events: readonly LogEventInput[],
): { events: LogEventInput[]; positions: number[]; rejected: IngestRejection[] } {
  const owns = policy.receivers.get(origin.receiver);
  if (owns === undefined) throw new ArgusError('INTERNAL', `receiver "${origin.receiver}" is not declared`);
  const label = ingestLabel(origin);
  const [home] = owns.keyPrefixes;
  const out: LogEventInput[] = [];
  const positions: number[] = [];
  const rejected: IngestRejection[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const why = refusal(policy, owns, origin.receiver, e.source);
    if (why !== undefined) {
      rejected.push({ position: i, field: 'source', message: why });
      continue;
    }
    const k = e.dedupKey;
    if (k !== undefined && !owns.keyPrefixes.some((p) => k.startsWith(p))) e.dedupKey = home + k;
    e.ingest = label;
    out.push(e);
    positions.push(i);
  }
  return { events: out, positions, rejected };
}

function refusal(policy: ProvenancePolicy, owns: SourceOwnership, receiver: string, source: unknown): string | undefined {
  const s = typeof source === 'string' ? source.toLowerCase() : '';
  if (owns.sources === 'unreserved') {
    const owners = policy.reserved.get(s);
    return owners === undefined ? undefined : `source: "${String(source)}" is reserved (written only by ${owners.join(', ')})`;
  }
  return owns.sources.some((x) => x.toLowerCase() === s) ? undefined : `source: "${String(source)}" is not a source the ${receiver} receiver writes`;
}
