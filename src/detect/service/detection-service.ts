/**
 * Detection on the stream: every durable batch (store.subscribe) goes through the stateful
 * Detector in arrival order; alerts are stored as `source: alert` events (dedupKey
 * `alert:<alertKey>`, so a re-produced alert is stored once) and handed to `onAlerts` (the
 * alerting seam). State is snapshotted with the id of the last event it covers; after a crash the
 * events stored since then are replayed from the store, which re-produces exactly the alerts
 * that were lost and no others.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Filter, LogEvent, LogEventInput, QueryPlan } from '../../core/index.ts';
import type { Store } from '../../store/index.ts';
import type { Alert } from '../alert.ts';
import { alertToLogEvent } from '../alert.ts';
import type { RuleFileInput } from '../rule-file.ts';
import { describeWarning, loadRuleFiles } from '../ruleset.ts';
import type { LoadWarning } from '../ruleset.ts';
import type { Detector, DetectorStats } from '../windows/detector.ts';
import { createDetector } from '../windows/detector.ts';
import { readStateFile, writeStateFile } from './state-file.ts';

export interface DetectionServiceOptions {
  store: Store;
  logger: Logger;
  dataDir: string;
  /** the rule files to load (built-in pack + configured paths); called again on reload */
  ruleFiles(): RuleFileInput[];
  /** stores alert events durably (the app's ingest) */
  storeAlerts(events: LogEventInput[]): Promise<unknown>;
  /** the alerting seam: routing, grouping, notifiers (a later issue) */
  onAlerts?(alerts: Alert[]): void;
  allowedLateness?: string;
  maxKeysPerRule?: number;
  /** bound on events waiting for detection; beyond it batches are dropped and counted */
  maxPendingEvents?: number;
  snapshotIntervalMs?: number;
  tickIntervalMs?: number;
}

export interface DetectionStats extends DetectorStats {
  rulesLoaded: number;
  pendingEvents: number;
  droppedEvents: number;
  replayedEvents: number;
  /** alerts whose write to the store failed (logged; not stored, still handed to onAlerts) */
  failedAlertWrites: number;
  /** batches of alerts that made `onAlerts` throw */
  failedAlertConsumers: number;
}

interface Snapshot {
  version: 1;
  lastId: string | null;
  detector: unknown;
}

export class DetectionService {
  private detector!: Detector;
  private rulesLoaded = 0;
  private queue: LogEvent[][] = [];
  private pending = 0;
  private dropped = 0;
  private replayed = 0;
  private failedWrites = 0;
  private failedConsumers = 0;
  /** ids replayed at start, so a live batch that raced the replay query is not evaluated twice */
  private replayedIds = new Set<string>();
  private lastId: string | null = null;
  private draining: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly statePath: string;
  private readonly log: Logger;
  private started = false;

  constructor(private readonly o: DetectionServiceOptions) {
    this.statePath = join(o.dataDir, 'detect', 'state.json');
    this.log = o.logger.child({ component: 'detect' });
  }

  private build(files: RuleFileInput[]): Detector {
    const ruleSet = loadRuleFiles(files);
    this.rulesLoaded = ruleSet.rules.length;
    this.logWarnings(ruleSet.warnings);
    return createDetector({
      ruleSet,
      ...(this.o.allowedLateness ? { allowedLateness: this.o.allowedLateness } : {}),
      ...(this.o.maxKeysPerRule ? { maxKeysPerRule: this.o.maxKeysPerRule } : {}),
    });
  }

  private logWarnings(warnings: readonly LoadWarning[]): void {
    for (const w of warnings.slice(0, 20)) this.log.warn({ warning: describeWarning(w) }, 'Rule load warning');
    if (warnings.length > 20) this.log.warn({ more: warnings.length - 20 }, 'More rule load warnings');
  }

  async start(): Promise<void> {
    this.detector = this.build(this.o.ruleFiles());
    const snap = readStateFile(this.statePath, (e) => this.log.warn({ err: e.message }, 'Detection state is corrupt; starting empty'));
    if (snap && (snap as Snapshot).version === 1) {
      this.detector.restore((snap as Snapshot).detector as never);
      this.lastId = (snap as Snapshot).lastId;
    }
    // subscribe first and hold live batches until the replay is done
    this.unsubscribe = this.o.store.subscribe((events) => this.enqueue(events));
    await this.replaySince(this.lastId, snap === undefined);
    this.started = true;
    this.kick();
    await this.idle();
    this.replayedIds.clear();
    const tick = setInterval(() => void this.handle(this.detector.tick(Date.now())), this.o.tickIntervalMs ?? 5000);
    const snapshot = setInterval(() => this.snapshot(), this.o.snapshotIntervalMs ?? 10_000);
    tick.unref();
    snapshot.unref();
    this.timers.push(tick, snapshot);
    this.log.info({ rules: this.rulesLoaded, replayed: this.replayed, lastId: this.lastId }, 'Detection started');
  }

  /** Events stored after the snapshot (a crash lost their detection state) are detected again. */
  private async replaySince(lastId: string | null, noSnapshot: boolean): Promise<void> {
    // No snapshot: a crash before the first one, or a data dir from before detection ran:
    // detect what was received in the last hour (the older past is for `argus detect`).
    const since: Filter | undefined =
      lastId !== null
        ? { op: 'cmp', field: { kind: 'column', name: 'id' }, cmp: '>', value: lastId }
        : noSnapshot
          ? { op: 'cmp', field: { kind: 'column', name: 'receivedAt' }, cmp: '>=', value: Date.now() - 3_600_000 }
          : undefined;
    if (since === undefined) return;
    const plan: QueryPlan = {
      filter: {
        op: 'and',
        args: [
          since,
          { op: 'not', arg: { op: 'match', field: { kind: 'column', name: 'source' }, value: 'alert', wildcard: false } },
        ],
      },
      stages: [],
    };
    // Ids are assigned at ingest and grow within a process; a batch that committed out of order
    // just before a crash can be missed here: its alerts were stored, only window state is lost.
    const r = await this.o.store.query({ plan, limit: 1_000_000 });
    if (r.kind !== 'events' || r.events.length === 0) return;
    const events = [...r.events].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.replayed = events.length;
    this.replayedIds = new Set(events.map((e) => e.id));
    // live batches queued while the query ran may hold some of the same events
    this.queue = this.queue.map((b) => b.filter((e) => !this.replayedIds.has(e.id))).filter((b) => b.length > 0);
    this.pending = this.queue.reduce((n, b) => n + b.length, 0);
    this.queue.unshift(events);
    this.pending += events.length;
  }

  private enqueue(events: LogEvent[]): void {
    const input = events.filter((e) => e.source !== 'alert' && !this.replayedIds.has(e.id));
    if (input.length === 0) return;
    if (this.pending + input.length > (this.o.maxPendingEvents ?? 1_000_000)) {
      this.dropped += input.length;
      this.log.warn({ dropped: input.length }, 'Detection queue is full; events were not evaluated');
      return;
    }
    this.queue.push(input);
    this.pending += input.length;
    if (this.started) this.kick();
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.shift()!;
      this.pending -= batch.length;
      const alerts = this.detector.process(batch);
      for (const e of batch) if (this.lastId === null || e.id > this.lastId) this.lastId = e.id;
      await this.handle(alerts);
    }
  }

  private async handle(alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    try {
      await this.o.storeAlerts(alerts.map(alertToLogEvent));
    } catch (e) {
      this.failedWrites += alerts.length;
      this.log.error({ err: (e as Error).message, alerts: alerts.length }, 'Storing alerts failed');
    }
    try {
      this.o.onAlerts?.(alerts);
    } catch (e) {
      this.failedConsumers++;
      this.log.error({ err: (e as Error).message }, 'An alert consumer failed');
    }
  }

  /** Reload rule files; an invalid set throws (BAD_RULE with file:line:column) and the old one stays. */
  reload(): { rules: number } {
    const files = this.o.ruleFiles();
    const ruleSet = loadRuleFiles(files);
    this.logWarnings(ruleSet.warnings);
    this.detector.swapRules(ruleSet);
    this.rulesLoaded = ruleSet.rules.length;
    this.log.info({ rules: this.rulesLoaded }, 'Rules reloaded');
    return { rules: this.rulesLoaded };
  }

  snapshot(): void {
    if (!this.started) return;
    try {
      writeStateFile(this.statePath, { version: 1, lastId: this.lastId, detector: this.detector.snapshot() } satisfies Snapshot);
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'Writing detection state failed');
    }
  }

  /** Cheap (read at every /metrics scrape); before start, the detector's part is empty. */
  stats(): DetectionStats {
    const built = this.detector as Detector | undefined;
    const detector: DetectorStats = built?.stats() ?? { watermark: null, maxEventTs: null, pending: 0, lateDropped: 0, evictions: 0, alerts: 0, suppressed: 0, rules: {} };
    return {
      ...detector,
      rulesLoaded: this.rulesLoaded,
      pendingEvents: this.pending,
      droppedEvents: this.dropped,
      replayedEvents: this.replayed,
      failedAlertWrites: this.failedWrites,
      failedAlertConsumers: this.failedConsumers,
    };
  }

  /** Waits until every queued batch is evaluated and its alerts stored (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining || this.queue.length > 0) {
      this.kick();
      await this.draining;
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (!this.started) return;
    await this.idle();
    this.snapshot();
    this.started = false;
  }
}
