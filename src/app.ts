/**
 * Composition root: config -> logger -> store -> pipeline -> HTTP. Nothing else wires components.
 */
import { pino, destination } from 'pino';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import type { LogEventInput, ServerConfig, TlsConfig } from './core/index.ts';
import { ArgusError, finalizeEvent, parseConfig, serverConfigSchema, splitHostPort } from './core/index.ts';
import type { AppendResult, Store } from './store/index.ts';
import { createEmbeddedStore } from './store/embedded/index.ts';
import { buildServer, createMetrics, makeK8sAuditRoutes } from './api/index.ts';
import type { Metrics } from './api/index.ts';
import type { Alert } from './detect/index.ts';
import { builtinRuleFiles } from './detect/pack/index.ts';
import { DetectionService, readRulePaths } from './detect/service/index.ts';

export interface App {
  config: ServerConfig;
  logger: Logger;
  store: Store;
  metrics: Metrics;
  http: FastifyInstance;
  detection: DetectionService;
  /** finalize, store durably, then run what sits on the stream */
  ingest(events: LogEventInput[]): Promise<AppendResult>;
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

export function createApp(rawConfig: unknown, opts: AppOptions = {}): App {
  const config = parseConfig(serverConfigSchema, rawConfig, 'server config');
  // logs go to stderr: stdout is for command output (query results, NDJSON alerts)
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { service: 'argus' } }, destination(2));
  const metrics = createMetrics({ defaultMetrics: opts.defaultMetrics ?? true });
  const store = createEmbeddedStore({ dataDir: config.data, config: config.store, logger });
  let ready = false;
  let stopped = false;

  async function ingest(inputs: LogEventInput[]): Promise<AppendResult> {
    const now = Date.now();
    const events = inputs.map((e) => finalizeEvent(e, now));
    const r = await store.append(events);
    if (r.duplicates > 0) metrics.duplicates.inc(r.duplicates);
    const bySource = new Map<string, number>();
    for (const e of r.stored) bySource.set(e.source, (bySource.get(e.source) ?? 0) + 1);
    for (const [source, n] of bySource) metrics.ingested.inc({ source }, n);
    return r;
  }

  const detection = new DetectionService({
    store,
    logger,
    dataDir: config.data,
    ruleFiles: () => [...(config.detection.builtin ? builtinRuleFiles() : []), ...readRulePaths(config.detection.rules)],
    storeAlerts: (events) => ingest(events),
    onAlerts: (alerts) => {
      for (const a of alerts) metrics.alerts.inc({ rule: a.ruleId, severity: a.severity });
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

  const http = buildServer({
    store,
    metrics,
    logger,
    ingest,
    bodyLimit: config.bodyLimit,
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
      await http.close();
      await detection.stop();
      await store.stop();
    },
  };
}
