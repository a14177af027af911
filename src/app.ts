/**
 * Composition root: config -> logger -> store -> pipeline -> HTTP. Nothing else wires components.
 */
import { pino, destination } from 'pino';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import type { IngestOrigin, IngestReceiver, LogEventInput, ServerConfig, TlsConfig } from './core/index.ts';
import { ArgusError, claimEvents, finalizeEvent, parseConfig, provenancePolicy, serverConfigSchema, splitHostPort } from './core/index.ts';
import type { Store } from './store/index.ts';
import { createEmbeddedStore } from './store/embedded/index.ts';
import { QueryGate, buildServer, createMetrics, GENERIC_RECEIVER, K8S_AUDIT_RECEIVER, makeK8sAuditRoutes } from './api/index.ts';
import type { IngestResult, Metrics } from './api/index.ts';
import type { Alert } from './detect/index.ts';
import { ALERT_OWNERSHIP, alertPriority } from './detect/index.ts';
import { K8S_AUDIT_OWNERSHIP } from './sources/k8s-audit/index.ts';
import { builtinRuleFiles } from './detect/pack/index.ts';
import { DetectionService, readRulePaths } from './detect/service/index.ts';

/** `argus ingest --data`: audit files loaded by the operator, in the audit receivers' namespace */
export const CLI_INGEST_RECEIVER: IngestReceiver = { name: 'cli-ingest', owns: K8S_AUDIT_OWNERSHIP };
/** detection stores its alerts through ingest: the only writer of `source: alert` */
export const DETECTION_RECEIVER: IngestReceiver = { name: 'detection', owns: ALERT_OWNERSHIP };

/**
 * Every receiver that hands events to ingest, with what it owns (core/provenance.ts). `argus` is
 * Argus's own audit trail (the securing issue): nothing writes it yet, but its source is reserved.
 */
export const INGEST_RECEIVERS: readonly IngestReceiver[] = [
  GENERIC_RECEIVER,
  K8S_AUDIT_RECEIVER,
  CLI_INGEST_RECEIVER,
  DETECTION_RECEIVER,
  { name: 'argus', owns: { sources: ['argus_audit'], keyPrefixes: ['argus_audit:'] } },
];

const DETECTION: IngestOrigin = { receiver: DETECTION_RECEIVER.name };

export interface App {
  config: ServerConfig;
  logger: Logger;
  store: Store;
  metrics: Metrics;
  http: FastifyInstance;
  detection: DetectionService;
  /** apply the origin's ownership, finalize, store durably, then run what sits on the stream */
  ingest(events: LogEventInput[], origin: IngestOrigin): Promise<IngestResult>;
  /** open the store (replays the WAL) and listen; returns the base URL */
  start(): Promise<string>;
  /** stop listening and close the store; safe twice */
  stop(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  /** false to skip process-level default metrics (tests running several apps) */
  defaultMetrics?: boolean;
  /** called with every batch of new alerts (the demo prints them; the alert manager plugs in here) */
  onAlerts?: (alerts: Alert[]) => void;
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
  const config = parseConfig(serverConfigSchema, rawConfig, 'server config');
  // logs go to stderr: stdout is for command output (query results, NDJSON alerts)
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { service: 'argus' } }, destination(2));
  const metrics = createMetrics({ defaultMetrics: opts.defaultMetrics ?? true });
  const store = createEmbeddedStore({ dataDir: config.data, config: config.store, logger });
  let ready = false;
  let stopped = false;

  const provenance = provenancePolicy(INGEST_RECEIVERS);

  async function ingest(inputs: LogEventInput[], origin: IngestOrigin): Promise<IngestResult> {
    const claimed = claimEvents(provenance, origin, inputs);
    const rejected = claimed.rejected;
    if (rejected.length > 0) metrics.rejected.inc({ reason: 'FORBIDDEN_SOURCE' }, rejected.length);
    if (claimed.events.length === 0) return { accepted: 0, duplicates: 0, stored: [], rejected };
    const now = Date.now();
    const events = claimed.events.map((e) => finalizeEvent(e, now));
    const r = await store.append(events);
    if (r.duplicates > 0) metrics.duplicates.inc(r.duplicates);
    const bySource = new Map<string, number>();
    for (const e of r.stored) bySource.set(e.source, (bySource.get(e.source) ?? 0) + 1);
    for (const [source, n] of bySource) metrics.ingested.inc({ source }, n);
    if (r.rejected === undefined || r.rejected.length === 0) return { ...r, rejected };
    // the store's own refusals (its second line of defence), at their positions in `inputs`
    metrics.rejected.inc({ reason: 'BAD_EVENT' }, r.rejected.length);
    const refused = r.rejected.map((x) => ({ position: claimed.positions[x.index]!, ...(x.field ? { field: x.field } : {}), message: x.message }));
    return { ...r, rejected: [...rejected, ...refused].sort((a, b) => a.position - b.position) };
  }

  const detection = new DetectionService({
    store,
    logger,
    dataDir: config.data,
    ruleFiles: () => [...(config.detection.builtin ? builtinRuleFiles() : []), ...readRulePaths(config.detection.rules)],
    storeAlerts: (events) => ingest(events, DETECTION),
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
  }, [makeK8sAuditRoutes(config.k8sAudit)]);

  return {
    config,
    logger,
    store,
    metrics,
    http,
    detection,
    ingest,
    async start() {
      await store.start();
      // ingest is served from here on: detection catches up on a backlog in the background
      await detection.start();
      ready = true;
      const { host, port } = splitHostPort(config.listen);
      const url = await http.listen({ host, port });
      logger.info({ url, data: config.data }, 'Argus is listening');
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
      await detection.stop();
      await store.stop();
    },
  };
}
