/**
 * Composition root: config -> registry (receivers, store) -> pipeline (ingest, fan-out to detection
 * and the live tail, alert write-back) -> HTTP. Nothing else wires components: every entry point
 * (server, `argus ingest --data`, the demo, tests) builds this app and goes through its pipeline.
 */
import { pino, destination } from 'pino';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import type { ComponentContext, IngestOrigin, IngestReceiver, LogEventInput, PushReceiver, ServerConfig, TlsConfig } from './core/index.ts';
import { ArgusError, DEFAULT_TRUSTED_REGISTRIES, parseDuration, provenancePolicy, splitHostPort } from './core/index.ts';
import type { Store } from './store/index.ts';
import { QueryGate, buildServer, createMetrics } from './api/index.ts';
import type { IngestResult, Metrics } from './api/index.ts';
import type { Alert } from './detect/index.ts';
import { ALERT_OWNERSHIP, alertPriority } from './detect/index.ts';
import { K8S_AUDIT_OWNERSHIP } from './sources/k8s-audit/index.ts';
import { isDefaultRegistries } from './detect/pack/index.ts';
import { DetectionService, detectionRuleFiles } from './detect/service/index.ts';
import { createPipeline } from './pipeline/index.ts';
import type { Pipeline } from './pipeline/index.ts';
import { DEFAULT_REGISTRY, parseServerConfig } from './registry.ts';
import type { Registry } from './registry.ts';

/** `argus ingest --data`: audit files loaded by the operator, in the audit receivers' namespace */
export const CLI_INGEST_RECEIVER: IngestReceiver = { name: 'cli-ingest', owns: K8S_AUDIT_OWNERSHIP };
/** detection stores its alerts through ingest: the only writer of `source: alert` */
export const DETECTION_RECEIVER: IngestReceiver = { name: 'detection', owns: ALERT_OWNERSHIP };

/**
 * The receivers that hand events to ingest without HTTP, with what they own (core/provenance.ts);
 * the push receivers of the registry declare theirs. `argus` is Argus's own audit trail (the
 * securing issue): nothing writes it yet, but its source is reserved.
 */
export const INTERNAL_RECEIVERS: readonly IngestReceiver[] = [
  CLI_INGEST_RECEIVER,
  DETECTION_RECEIVER,
  { name: 'argus', owns: { sources: ['argus_audit'], keyPrefixes: ['argus_audit:'] } },
];

const DETECTION: IngestOrigin = { receiver: DETECTION_RECEIVER.name };

export interface App {
  config: ServerConfig;
  logger: Logger;
  store: Store;
  /** the push receivers built from the registry (mounted on `http`) */
  receivers: readonly PushReceiver[];
  metrics: Metrics;
  http: FastifyInstance;
  detection: DetectionService;
  pipeline: Pipeline;
  /** the pipeline's ingest: ownership, finalize, store durably, then fan out to what sits on the stream */
  ingest(events: LogEventInput[], origin: IngestOrigin): Promise<IngestResult>;
  /**
   * open the pipeline without listening: the store (replays the WAL) and detection (catches up in
   * the background); `argus ingest --data` and in-process tests use it; safe to call once
   */
  open(): Promise<void>;
  /** open, then listen; returns the base URL */
  start(): Promise<string>;
  /** stop listening, end detection and alert writes, close the store; safe twice and without start */
  stop(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  /** false to skip process-level default metrics (tests running several apps) */
  defaultMetrics?: boolean;
  /** called with every batch of new alerts (the demo prints them; the alert manager plugs in here) */
  onAlerts?: (alerts: Alert[]) => void;
  /** the component factories (default: src/registry.ts); tests add a receiver here */
  registry?: Registry;
}

function readTls(t: TlsConfig): { key: Buffer; cert: Buffer; ca?: Buffer } {
  const read = (path: string, field: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new ArgusError('BAD_CONFIG', `server config: tls.${field}: cannot read ${path}: ${(e as Error).message}`);
    }
  };
  return {
    key: read(t.keyFile, 'keyFile'),
    cert: read(t.certFile, 'certFile'),
    ...(t.clientCaFile ? { ca: read(t.clientCaFile, 'clientCaFile') } : {}),
  };
}

/** grace for in-flight requests (an ingest batch's fsync) once the server stops */
const CLOSE_GRACE_MS = 2000;

/**
 * Closes the listener: connections are closed as soon as they are idle (a keep-alive connection
 * whose last answer was sent while closing, a live tail once its stream ended), and every one
 * still open after the grace.
 */
async function closeHttp(http: FastifyInstance): Promise<void> {
  const idle = setInterval(() => http.server.closeIdleConnections(), 50);
  const force = setTimeout(() => http.server.closeAllConnections(), CLOSE_GRACE_MS);
  try {
    await http.close();
  } finally {
    clearInterval(idle);
    clearTimeout(force);
  }
}

export function createApp(rawConfig: unknown, opts: AppOptions = {}): App {
  const registry = opts.registry ?? DEFAULT_REGISTRY;
  const config = parseServerConfig(rawConfig, registry);
  // logs go to stderr: stdout is for command output (query results, NDJSON alerts)
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { service: 'argus' } }, destination(2));
  const metrics = createMetrics({ defaultMetrics: opts.defaultMetrics ?? true });
  const ctx = (name: string): ComponentContext => ({ name, logger, dataDir: config.data });
  const { type: storeType, ...storeConfig } = config.store;
  const store = registry.stores.find((f) => f.type === storeType)!.create(ctx(storeType), storeConfig);
  const receivers = registry.receivers.map((f) => f.create(ctx(f.type), config.receivers[f.type]));
  let ready = false;
  let stopped = false;

  const provenance = provenancePolicy([...receivers.map((r) => ({ name: r.name, owns: r.owns })), ...INTERNAL_RECEIVERS]);

  const pipeline = createPipeline({
    store,
    provenance,
    metrics,
    logger,
    queue: { maxEvents: config.pipeline.consumerQueueEvents, maxBytes: config.pipeline.consumerQueueBytes },
    alertOrigin: DETECTION,
    alertRetry: { attempts: config.pipeline.alertWriteAttempts, baseDelayMs: 100, maxDelayMs: parseDuration(config.pipeline.alertWriteMaxDelay, 'pipeline.alertWriteMaxDelay') },
  });
  const ingest = pipeline.ingest;
  let disconnectDetection: (() => void) | undefined;

  const detection = new DetectionService({
    store,
    logger,
    dataDir: config.data,
    ruleFiles: () => detectionRuleFiles(config.detection),
    storeAlerts: (events) => pipeline.writeAlerts(events),
    onAlerts: (alerts) => {
      for (const a of alerts) metrics.alerts.inc({ rule: a.ruleId, severity: alertPriority(a) });
      opts.onAlerts?.(alerts);
    },
    allowedLateness: config.detection.allowedLateness,
    maxKeysPerRule: config.detection.maxKeysPerRule,
    catchupPageEvents: config.detection.catchupPageEvents,
    snapshotEvents: config.detection.snapshotEvents,
    onCatchUpProgress: (p, n) => {
      if (n > 0) metrics.catchupEvents.inc(n);
      metrics.catchupActive.set(p.active ? 1 : 0);
      metrics.catchupRemaining.set(p.remaining);
    },
  });

  const queries = new QueryGate(store, config.query, metrics);
  const http = buildServer({
    store,
    queries,
    metrics,
    logger,
    ingest,
    subscribe: (name, onBatch) => pipeline.connect({ name, accept: onBatch }),
    receivers,
    bodyLimit: config.bodyLimit,
    maxDepth: config.limits.maxDepth,
    http: config.http,
    tail: config.tail,
    isReady: () => ready,
    readiness: () => {
      const p = detection.catchUpProgress();
      return p?.active ? { detection: { status: 'catching up', processed: p.processed, remaining: p.remaining } } : {};
    },
    detection,
    ...(config.tls ? { tls: readTls(config.tls) } : {}),
  });

  let opened = false;
  async function open(): Promise<void> {
    if (opened) throw new ArgusError('INTERNAL', 'The app can only be opened once');
    opened = true;
    await store.start();
    for (const r of receivers) await r.start();
    // connected before detection starts, so it holds the live batches while it catches up on a
    // backlog in the background; ingest is served from here on
    disconnectDetection = pipeline.connect(detection);
    await detection.start();
    ready = true;
  }

  return {
    config,
    logger,
    store,
    receivers,
    metrics,
    http,
    detection,
    pipeline,
    ingest,
    open,
    async start() {
      await open();
      const { host, port } = splitHostPort(config.listen);
      const url = await http.listen({ host, port });
      logger.info({ url, data: config.data }, 'Argus is listening');
      if (isDefaultRegistries(config.detection.trustedRegistries, DEFAULT_TRUSTED_REGISTRIES)) {
        logger.warn(
          { trustedRegistries: config.detection.trustedRegistries },
          'Images are trusted only from the default registries; set detection.trustedRegistries to the registries you use (docs/rules.md)',
        );
      }
      return url;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      ready = false;
      // nothing may hold the listener open: running and queued queries end now (STORE_CLOSED),
      // live tails end in the tail route's preClose hook, other connections get a short grace
      queries.abortAll();
      await closeHttp(http);
      if (!opened) return;
      for (const r of receivers) await r.stop();
      await detection.stop();
      disconnectDetection?.();
      await pipeline.stop();
      await store.stop();
    },
  };
}
