import { z } from 'zod';
import { ArgusError } from './errors.ts';
import { DEFAULT_MAX_DEPTH, MAX_DEPTH_CEILING } from './json-limits.ts';
import { parseDuration } from './time.ts';

/** Validates a config value against a zod schema; a bad field throws BAD_CONFIG naming its path. */
export function parseConfig<S extends z.ZodTypeAny>(schema: S, value: unknown, where = 'config'): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(root)', message: i.message }));
  const text = issues.map((i) => `${where}: ${i.path}: ${i.message}`).join('; ');
  throw new ArgusError('BAD_CONFIG', text, { issues });
}

const hostPort = z
  .string()
  .regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be HOST:PORT');

export const retentionSchema = z
  .object({
    /** delete segments whose newest event is older than this (e.g. 30d) */
    maxAge: z.string().optional(),
    /** delete oldest segments while the total exceeds this many bytes */
    maxBytes: z.number().int().positive().optional(),
    /** per-source overrides */
    perSource: z
      .record(
        z.string(),
        z.object({ maxAge: z.string().optional(), maxBytes: z.number().int().positive().optional() }).strict(),
      )
      .default({}),
  })
  .strict();

export const storeConfigSchema = z
  .object({
    /** flush the tail into a Parquet segment after this many events */
    flushEvents: z.number().int().positive().default(100_000),
    /** ...or after this long */
    flushInterval: z.string().default('10s'),
    /** WAL group-commit: max wait before fsync when the batch is small */
    commitDelayMs: z.number().int().min(0).max(1000).default(2),
    /** segments smaller than this (rows) are merged by compaction */
    compactBelowRows: z.number().int().positive().default(50_000),
    retention: retentionSchema.default({}),
    /** idempotency keys remembered for this long */
    dedupWindow: z.string().default('24h'),
    /**
     * ...and at most this many (~30 bytes of memory each; the oldest are evicted first and counted
     * as `dedupEvicted`): 5M covers 24 h at ~58 events/s with a key, more keys a longer burst
     */
    dedupMaxKeys: z.number().int().positive().default(5_000_000),
  })
  .strict();

export const auditWebhookConfigSchema = z
  .object({
    /** max body of one webhook request (the apiserver's batches can be large) */
    bodyLimit: z.number().int().positive().default(12 * 1024 * 1024),
    /** bearer tokens, each bound to the cluster it authenticates; empty = no token auth */
    tokens: z
      .array(z.object({ token: z.string().min(16, 'tokens must be at least 16 characters'), cluster: z.string().min(1) }).strict())
      .default([]),
    /** client certificates (mTLS, needs server `tls.clientCa`): subject CN -> the cluster it authenticates */
    clientCerts: z.array(z.object({ commonName: z.string().min(1), cluster: z.string().min(1) }).strict()).default([]),
    /** with tokens or client certs configured, also accept unauthenticated requests (cluster from ?cluster=) */
    allowUnauthenticated: z.boolean().default(false),
  })
  .strict();

/** `detection.trustedRegistries` when the config does not set it (the startup log says so). */
export const DEFAULT_TRUSTED_REGISTRIES: readonly string[] = ['registry.k8s.io', 'docker.io/library'];

export const detectionConfigSchema = z
  .object({
    /** load the built-in K05 pack (docs/rules.md) */
    builtin: z.boolean().default(true),
    /** more rule files or directories (Falco-shaped YAML, imported Sigma rules...), loaded after the pack */
    rules: z.array(z.string()).default([]),
    /** how late (event time) an event may arrive and still count in windows */
    allowedLateness: z.string().default('1m'),
    maxKeysPerRule: z.number().int().positive().default(10_000),
    /**
     * after a restart, detection catches up on the events stored since its last snapshot in the
     * background, reading this many per store query (bounds its memory; ingest is served meanwhile)
     */
    catchupPageEvents: z.number().int().positive().max(1_000_000).default(10_000),
    /** snapshot detection state after this many events evaluated, besides every 10 s (bounds the next catch-up) */
    snapshotEvents: z.number().int().positive().default(100_000),
    /**
     * registries images may come from: a host (`registry.corp.example`, `localhost:5000`) or a
     * host and path (`docker.io/library`, `ghcr.io/my-org`), matched on the host and on whole path
     * components after short-name normalisation (`nginx` is docker.io/library/nginx); it becomes
     * the pack's list `argus_trusted_registries`. The default trusts no registry where anyone can
     * publish, only Kubernetes' own and Docker Hub's official images: set your own
     */
    trustedRegistries: z
      .array(
        z
          .string()
          .min(1)
          .refine((r) => !/[\s@]|:\/\//.test(r), 'a registry is host[:port][/path], without a scheme, spaces or a digest'),
      )
      .default([...DEFAULT_TRUSTED_REGISTRIES]),
  })
  .strict();

export const limitsConfigSchema = z
  .object({
    /**
     * max nesting (objects/arrays) of one ingested event; a deeper event is that event's error in a
     * 207, its neighbours are stored (checked iteratively; at most 1000: JSON.stringify and
     * structuredClone recurse)
     */
    maxDepth: z.number().int().min(8).max(MAX_DEPTH_CEILING).default(DEFAULT_MAX_DEPTH),
  })
  .strict();

export const queryConfigSchema = z
  .object({
    /**
     * deadline of one query, from its arrival (queue time included); past it the store engine is
     * interrupted and the client gets 503 QUERY_TIMEOUT
     */
    timeout: z.string().default('30s'),
    /**
     * queries run at once; more wait in the queue. Each running DuckDB query already uses every
     * core and holds one of libuv's 4 pool threads, which tail loads and file I/O share: 2 keeps
     * ingest moving while queries run
     */
    maxConcurrent: z.number().int().positive().default(2),
    /** queries waiting for a slot; beyond that a query is refused with 503 QUERY_OVERLOADED + Retry-After */
    maxQueued: z.number().int().min(0).default(16),
    /**
     * largest answer in bytes (its rows' JSON): rows past it are left out and the answer says
     * `truncated: true`, so `limit=100000` cannot build an answer of hundreds of MB
     */
    maxResultBytes: z.number().int().positive().default(16 * 1024 * 1024),
  })
  .strict();

export const tlsConfigSchema = z
  .object({
    certFile: z.string(),
    keyFile: z.string(),
    /** CA that signs client certificates; enables mTLS (certificates are requested, verified per route) */
    clientCaFile: z.string().optional(),
  })
  .strict();

/** A duration such as `500ms`, `30s`, `5m` (validated here, converted with parseDuration where used). */
const duration = z.string().refine((s) => !Number.isNaN(durationMs(s)), 'must be a duration such as 500ms, 30s or 5m');

/** ms, or NaN when the text is not a duration (its own field reports that) */
function durationMs(s: string): number {
  try {
    return parseDuration(s);
  } catch {
    return Number.NaN;
  }
}

export const httpConfigSchema = z
  .object({
    /**
     * a whole request (headers and body) must arrive within this long, else 408 and the connection
     * is closed: a client sending its body at 1 byte/s cannot hold a connection for ever
     */
    requestTimeout: duration.default('30s'),
    /** the request headers must arrive within this long (at most requestTimeout) */
    headersTimeout: duration.default('10s'),
    /**
     * an idle keep-alive connection is closed after this long; above common load-balancer idle
     * timeouts (60 s) so that the balancer, not Argus, closes first. Idle connections count
     * toward maxConnections
     */
    keepAliveTimeout: duration.default('72s'),
    /** open connections per server; one more is answered 503 with Retry-After and closed */
    maxConnections: z.number().int().positive().default(1024),
  })
  .strict()
  .refine((h) => !(durationMs(h.headersTimeout) > durationMs(h.requestTimeout)), {
    message: 'headersTimeout must not be longer than requestTimeout',
    path: ['headersTimeout'],
  });

export const tailConfigSchema = z
  .object({
    /** concurrent live-tail clients; one more is answered 503 with Retry-After */
    maxClients: z.number().int().positive().default(32),
    /**
     * bytes a tail client may have waiting in its socket buffer; a client that falls further behind
     * is disconnected with an `event: error` naming the reason (never buffered without bound)
     */
    maxClientBufferBytes: z.number().int().positive().default(4 * 1024 * 1024),
  })
  .strict();

export const pipelineConfigSchema = z
  .object({
    /**
     * per consumer of the stream (detection, live tail): durable events handed to it and not yet
     * done; a batch past it is dropped for that consumer alone and counted
     * (argus_pipeline_dropped_events_total{consumer}); ingest never waits for a consumer
     */
    consumerQueueEvents: z.number().int().positive().default(1_000_000),
    /** the same bound in approximate bytes (message + raw + 256 per event) */
    consumerQueueBytes: z.number().int().positive().default(256 * 1024 * 1024),
    /** tries to store a batch of alerts when the store answers a retryable error (OVERLOADED, I/O), the first included */
    alertWriteAttempts: z.number().int().min(1).max(100).default(8),
    /** longest wait between two tries (the first is 100 ms, doubled each time) */
    alertWriteMaxDelay: z.string().default('5s'),
  })
  .strict();

export const serverConfigSchema = z
  .object({
    listen: hostPort.default('127.0.0.1:7400'),
    tls: tlsConfigSchema.optional(),
    data: z.string().default('./data'),
    /** max HTTP body in bytes for ingest endpoints */
    bodyLimit: z.number().int().positive().default(12 * 1024 * 1024),
    /** max events kept in one in-flight ingest queue before 503 */
    maxPendingEvents: z.number().int().positive().default(500_000),
    store: storeConfigSchema.default({}),
    k8sAudit: auditWebhookConfigSchema.default({}),
    detection: detectionConfigSchema.default({}),
    /** the flow from ingest to what runs on the stream (src/pipeline) */
    pipeline: pipelineConfigSchema.default({}),
    /** per-event limits applied by every ingest decoder */
    limits: limitsConfigSchema.default({}),
    /** query deadline, concurrency and answer size */
    query: queryConfigSchema.default({}),
    /** HTTP front door: timeouts and the connection cap */
    http: httpConfigSchema.default({}),
    /** live tail (GET /api/v1/tail) */
    tail: tailConfigSchema.default({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** component sections (sources, rules, alerting...) owned by later issues */
    components: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type StoreConfig = z.infer<typeof storeConfigSchema>;
export type DetectionConfig = z.infer<typeof detectionConfigSchema>;
export type TlsConfig = z.infer<typeof tlsConfigSchema>;
export type QueryConfig = z.infer<typeof queryConfigSchema>;
export type HttpConfig = z.infer<typeof httpConfigSchema>;
export type TailConfig = z.infer<typeof tailConfigSchema>;
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
export type AuditWebhookConfig = z.infer<typeof auditWebhookConfigSchema>;
export type LimitsConfig = z.infer<typeof limitsConfigSchema>;
export type RetentionConfig = z.infer<typeof retentionSchema>;

export function splitHostPort(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}
