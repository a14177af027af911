/**
 * Detection on the stream: every durable batch (a pipeline consumer: `accept`) goes through the stateful
 * Detector in arrival order; alerts are stored as `source: alert` events (dedupKey
 * `alert:<alertKey>`, so a re-produced alert is stored once) and handed to `onAlerts` (the
 * alerting seam). State is snapshotted with the id of the last event it covers (on a timer, every
 * `snapshotEvents` evaluated, and when a catch-up ends); after a crash the events stored since then
 * are read back from the store in the background, a page at a time (catch-up.ts), which
 * re-produces exactly the alerts that were lost and no others, while ingest is already served.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { LogEvent, LogEventInput } from '../../core/index.ts';
import type { Store } from '../../store/index.ts';
import type { Alert } from '../alert.ts';
import { alertToLogEvent } from '../alert.ts';
import type { RuleFileInput } from '../rule-file.ts';
import { describeWarning, loadRuleFiles } from '../ruleset.ts';
import type { LoadWarning } from '../ruleset.ts';
import type { Detector, DetectorStats } from '../windows/detector.ts';
import { createDetector } from '../windows/detector.ts';
import { CatchUp, yieldToIo } from './catch-up.ts';
import type { CatchUpProgress, CatchUpRange } from './catch-up.ts';
import { readStateFile, writeStateFile } from './state-file.ts';

/** events evaluated between two yields to the event loop */
const SLICE = 2000;

/**
 * What a start must catch up: the events after the snapshot's last id; with no snapshot at all (a
 * crash before the first one, or a data dir from before detection ran) what was received in the
 * last hour (the older past is for `argus detect`); nothing for a snapshot that covers no event.
 */
export function catchUpRange(lastId: string | null, noSnapshot: boolean, now = Date.now()): CatchUpRange | undefined {
  if (lastId !== null) return { afterId: lastId };
  return noSnapshot ? { afterId: null, receivedSince: now - 3_600_000 } : undefined;
}

export interface DetectionServiceOptions {
  store: Store;
  logger: Logger;
  dataDir: string;
  /** the rule files to load (built-in pack + configured paths); called again on reload */
  ruleFiles(): RuleFileInput[];
  /** stores alert events durably (the pipeline's alert writer: ordered, retried) */
  storeAlerts(events: LogEventInput[]): Promise<unknown>;
  /** the alerting seam: routing, grouping, notifiers (a later issue) */
  onAlerts?(alerts: Alert[]): void;
  allowedLateness?: string;
  maxKeysPerRule?: number;
  snapshotIntervalMs?: number;
  /** also snapshot after this many events evaluated (bounds what a crash makes the next start catch up) */
  snapshotEvents?: number;
  /** events per store query of the catch-up after a restart (bounds its memory) */
  catchupPageEvents?: number;
  /** catch-up progress, after every page (`pageEvents` read by it) and at the end (0) */
  onCatchUpProgress?(p: CatchUpProgress, pageEvents: number): void;
  tickIntervalMs?: number;
}

export interface DetectionStats extends DetectorStats {
  rulesLoaded: number;
  pendingEvents: number;
  droppedEvents: number;
  /** events the catch-up after start has read (so far) */
  replayedEvents: number;
  /** alerts whose write to the store failed (logged; not stored, still handed to onAlerts) */
  failedAlertWrites: number;
  /** batches of alerts that made `onAlerts` throw */
  failedAlertConsumers: number;
  catchup?: CatchUpProgress;
}

interface Snapshot {
  version: 1;
  lastId: string | null;
  detector: unknown;
}

export class DetectionService {
  private detector!: Detector;
  private rulesLoaded = 0;
  /** live batches accepted and not yet evaluated, each with what resolves its `accept` */
  private queue: { events: LogEvent[]; done: () => void }[] = [];
  private pending = 0;
  private dropped_ = 0;
  private replayed = 0;
  private failedWrites = 0;
  private failedConsumers = 0;
  private sinceSnapshot = 0;
  private catchUp: CatchUp | undefined;
  private catchUpDone: Promise<void> | undefined;
  private lastCatchUp: CatchUpProgress | undefined;
  /** the catch-up's upper id (undefined until known, null: nothing to catch up) */
  private upperId: string | null | undefined;
  /** ids of live events the catch-up could also read from the store (at most the queue's bound) */
  private liveIds = new Set<string>();
  private lastId: string | null = null;
  private draining: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly statePath: string;
  private readonly log: Logger;
  private started = false;
  /** the pipeline consumer's name (its metrics label) */
  readonly name = 'detection';

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
    // the caller connects `accept` to the pipeline before start: live batches are held while the
    // catch-up runs, then evaluated after it
    this.started = true;
    const range = catchUpRange(this.lastId, snap === undefined);
    if (range) this.beginCatchUp(range);
    else {
      this.liveIds.clear();
      this.startTicking();
    }
    const snapshot = setInterval(() => this.snapshot(), this.o.snapshotIntervalMs ?? 10_000);
    snapshot.unref();
    this.timers.push(snapshot);
    this.log.info({ rules: this.rulesLoaded, lastId: this.lastId, catchingUp: this.catchUp !== undefined }, 'Detection started');
  }

  /**
   * Detects again, in the background and a page at a time, the events stored after the snapshot
   * (a crash lost their detection state). Live batches wait in the queue until it is done.
   */
  private beginCatchUp(range: CatchUpRange): void {
    const c = new CatchUp({
      store: this.o.store,
      range,
      pageEvents: this.o.catchupPageEvents ?? 10_000,
      deliver: (events) => this.evaluate(events),
      skip: (id) => this.liveIds.has(id),
      onUpper: (upper) => {
        this.upperId = upper;
        // ids above the bound never appear in a page: forget them
        if (upper === null) this.liveIds.clear();
        else for (const id of this.liveIds) if (id > upper) this.liveIds.delete(id);
      },
      onProgress: (p, n) => this.o.onCatchUpProgress?.(p, n),
    });
    this.catchUp = c;
    this.upperId = undefined;
    this.catchUpDone = c.run().then(
      (p) => this.endCatchUp(p),
      (e: unknown) => {
        this.log.error({ err: (e as Error).message, processed: c.progress.processed }, 'Detection catch-up failed; the rest of the backlog was not evaluated');
        this.endCatchUp(c.progress);
      },
    );
  }

  /** the wall clock advances windows (absence, timeouts) only once the past is caught up */
  private startTicking(): void {
    const tick = setInterval(() => void this.handle(this.detector.tick(Date.now())), this.o.tickIntervalMs ?? 5000);
    tick.unref();
    this.timers.push(tick);
  }

  private endCatchUp(p: CatchUpProgress): void {
    this.lastCatchUp = { ...p };
    this.replayed = p.processed;
    this.catchUp = undefined;
    this.liveIds.clear();
    if (p.outcome === 'stopped') return;
    this.startTicking();
    this.snapshot();
    this.log.info({ events: p.processed, pages: p.pages, seconds: Math.round(p.seconds * 10) / 10, outcome: p.outcome }, 'Detection caught up');
    this.kick();
  }

  /** Runs events through the detector in order, a slice at a time, storing alerts as they come. */
  private async evaluate(events: readonly LogEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += SLICE) {
      const slice = events.slice(i, i + SLICE);
      const alerts = this.detector.process(slice);
      for (const e of slice) if (this.lastId === null || e.id > this.lastId) this.lastId = e.id;
      this.sinceSnapshot += slice.length;
      await this.handle(alerts);
      if (this.sinceSnapshot >= (this.o.snapshotEvents ?? 100_000)) this.snapshot();
      if (i + SLICE < events.length) await yieldToIo();
    }
  }

  /**
   * The pipeline consumer: takes a durable batch (alerts are left out: they are detection's output)
   * and resolves once it is evaluated and its alerts stored, so the pipeline bounds what waits here.
   */
  accept(events: LogEvent[]): Promise<void> | undefined {
    const input = events.filter((e) => e.source !== 'alert');
    if (input.length === 0) return undefined;
    if (this.catchUp || !this.started) {
      // a live event the catch-up could still read from the store: keep it out of the pages
      for (const e of input) if (this.upperId === undefined || (this.upperId !== null && e.id <= this.upperId)) this.liveIds.add(e.id);
    }
    const p = new Promise<void>((done) => this.queue.push({ events: input, done }));
    this.pending += input.length;
    if (this.started) this.kick();
    return p;
  }

  /** the pipeline dropped events for detection (its queue was full): they are not evaluated */
  dropped(events: number): void {
    this.dropped_ += events;
  }

  private kick(): void {
    if (this.draining || this.catchUp) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.shift()!;
      // counted as pending until its alerts are stored (stats readers wait for 0)
      try {
        await this.evaluate(batch.events);
      } finally {
        this.pending -= batch.events.length;
        batch.done();
      }
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
    // a snapshot that covers no event would make the next start skip the last hour's catch-up
    if (!this.started || this.lastId === null) return;
    this.sinceSnapshot = 0;
    try {
      writeStateFile(this.statePath, { version: 1, lastId: this.lastId, detector: this.detector.snapshot() } satisfies Snapshot);
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'Writing detection state failed');
    }
  }

  /** The catch-up now running, or the last one; undefined when there was none. */
  catchUpProgress(): CatchUpProgress | undefined {
    const p = this.catchUp?.progress ?? this.lastCatchUp;
    return p ? { ...p } : undefined;
  }

  /** Cheap (read at every /metrics scrape); before start, the detector's part is empty. */
  stats(): DetectionStats {
    const catchup = this.catchUpProgress();
    const built = this.detector as Detector | undefined;
    const detector: DetectorStats = built?.stats() ?? {
      watermark: null, maxEventTs: null, pending: 0, lateDropped: 0, lateAccepted: 0, forcedApplied: 0, stageRepeats: 0,
      requests: 0, requestEvictions: 0, sources: 0, evictions: 0, alerts: 0, suppressed: 0, rules: {},
    };
    return {
      ...detector,
      rulesLoaded: this.rulesLoaded,
      pendingEvents: this.pending,
      droppedEvents: this.dropped_,
      replayedEvents: this.catchUp?.progress.processed ?? this.replayed,
      failedAlertWrites: this.failedWrites,
      failedAlertConsumers: this.failedConsumers,
      ...(catchup ? { catchup } : {}),
    };
  }

  /** Waits until the catch-up is done and every queued batch is evaluated and its alerts stored (tests, shutdown). */
  async idle(): Promise<void> {
    await this.catchUpDone;
    while (this.draining || this.queue.length > 0) {
      this.kick();
      await this.draining;
    }
  }

  /**
   * Stops after the page or batch in progress. A catch-up still running is cut short: the snapshot
   * then covers what it evaluated, and the next start goes on from there (live batches held for
   * after it are in the store too, after that point, so they are caught up then).
   */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (!this.started) return;
    if (this.catchUp) {
      this.catchUp.stop();
      await this.catchUpDone;
      // held live events after the point reached are in the store and caught up next time; those
      // before it were left out of the pages for the queue: evaluate them now
      const last = this.lastId;
      const held = this.queue;
      const behind = last === null ? [] : held.flatMap((b) => b.events).filter((e) => e.id <= last);
      this.queue = [];
      this.pending = 0;
      try {
        await this.evaluate(behind);
      } finally {
        for (const b of held) b.done();
      }
    }
    await this.idle();
    this.snapshot();
    this.started = false;
  }
}
