/**
 * The push-receiver seam (Vector's HttpSource is the model). A receiver (webhook, Loki push, _bulk,
 * OTLP/HTTP...) declares its routes, its auth requirement, its body limit, what it owns and a
 * `decode`; one shared piece in src/api/receivers/ mounts it with auth, body limits,
 * Content-Encoding, the 200/207/4xx/503 answer and per-receiver metrics. Receivers live in
 * sources/ or transforms/ and import only core: they never see Fastify.
 */
import { z } from 'zod';
import type { ComponentFactory, Lifecycle } from './component.ts';
import type { LogEventInput } from './log-event.ts';
import type { SourceOwnership } from './provenance.ts';

/** One event a decoder could not turn into a LogEventInput, by its index in the body. */
export interface ReceiverItemError {
  index: number;
  field?: string;
  message: string;
}

/** What `decode` hands back: the good events, where they were in the body, and the bad ones. */
export interface DecodedBatch {
  events: LogEventInput[];
  /** `positions[i]` is the body index of `events[i]` (absent: events[i] is item i) */
  positions?: readonly number[];
  /** the first errors (a decoder may keep only the first MAX_ERRORS_KEPT) */
  errors: ReceiverItemError[];
  /** how many items were rejected in all (>= errors.length; absent = errors.length) */
  rejected?: number;
  /** secret values redacted while decoding (counted on /metrics) */
  redactions?: number;
}

/** What decode knows about the request besides its body. */
export interface DecodeContext {
  /** the cluster bound to the credential (or `?cluster=` where the auth allows it) */
  cluster: string | undefined;
  /** when the request arrived (ms) */
  receivedAt: number;
  /** nesting cap of one event (config `limits.maxDepth`) */
  maxDepth: number;
}

export interface ReceiverRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  query: Readonly<Record<string, string | undefined>>;
}

/** The shared auth config of a receiver: credentials bound to the cluster they authenticate. */
export const receiverAuthConfigSchema = z
  .object({
    /** bearer tokens, each bound to the cluster it authenticates; empty = no token auth */
    tokens: z
      .array(z.object({ token: z.string().min(16, 'tokens must be at least 16 characters'), cluster: z.string().min(1) }).strict())
      .default([]),
    /** client certificates (mTLS, needs server `tls.clientCaFile`): subject CN -> the cluster it authenticates */
    clientCerts: z.array(z.object({ commonName: z.string().min(1), cluster: z.string().min(1) }).strict()).default([]),
    /** with tokens or client certs configured, also accept unauthenticated requests (cluster from ?cluster=) */
    allowUnauthenticated: z.boolean().default(false),
  })
  .strict();
export type ReceiverAuthConfig = z.infer<typeof receiverAuthConfigSchema>;

/**
 * `none`: anyone, credential `anonymous`, no cluster. `bound`: a bearer token or a client
 * certificate bound to a cluster (either, as configured); with neither configured, or with
 * `allowUnauthenticated`, an unauthenticated request is accepted with its `?cluster=`.
 */
export type ReceiverAuth = { kind: 'none' } | ({ kind: 'bound' } & ReceiverAuthConfig);

export interface ReceiverRoute {
  method: 'POST' | 'PUT';
  /** one or more paths served by the same decode (`/k8s-audit` and `/api/v1/ingest/k8s-audit`) */
  paths: readonly string[];
}

export interface PushReceiver extends Lifecycle {
  /** the provenance name (`generic`, `k8s-audit`): the first part of each event's `ingest` and the `receiver` metric label */
  name: string;
  routes: readonly ReceiverRoute[];
  auth: ReceiverAuth;
  /** max body (after Content-Encoding decoding) in bytes; absent = the server's `bodyLimit` */
  bodyLimit?: number;
  /** the sources and idempotency-key prefixes it may write (core/provenance.ts) */
  owns: SourceOwnership;
  /**
   * The request body (text, already decompressed) -> events. Whole-body failures (empty, not
   * JSON) throw an ArgusError (a 4xx); per-item failures are `errors` (the 207 entries).
   */
  decode(body: string, req: ReceiverRequest, ctx: DecodeContext): DecodedBatch | Promise<DecodedBatch>;
}

export type ReceiverFactory<S extends z.ZodTypeAny = z.ZodTypeAny> = ComponentFactory<'receiver', S, PushReceiver>;
