/**
 * Detection catch-up after a restart: the events stored since the last snapshot are read back
 * from the store a page at a time, in id order (`id > cursor AND id <= upper | sort id`, at most
 * `pageEvents` rows per query), so memory is bounded by the page, not by the backlog. `upper` is
 * the largest id stored when the catch-up begins: every event stored before detection subscribed
 * is at or below it, so the catch-up ends there and never chases live ingest. Live batches that
 * arrive meanwhile are held by the service and evaluated after the catch-up; an id the caller says
 * was seen live (`skip`) is left out of the pages so nothing is evaluated twice.
 */
import type { Filter, FieldRef, LogEvent, QueryPlan } from '../../core/index.ts';
import type { Store } from '../../store/index.ts';

const ID: FieldRef = { kind: 'column', name: 'id' };

/** What to catch up: ids after `afterId` (the snapshot's last id), or all received since `receivedSince`. */
export interface CatchUpRange {
  afterId: string | null;
  receivedSince?: number;
}

export interface CatchUpProgress {
  active: boolean;
  /** events read from the store so far (skipped live ones included) */
  processed: number;
  /** events to read when the catch-up began (the bounds query's count) */
  total: number;
  remaining: number;
  pages: number;
  /** the id the catch-up has reached */
  cursor: string | null;
  upperId: string | null;
  seconds: number;
  outcome?: 'done' | 'stopped' | 'failed';
}

export interface CatchUpOptions {
  store: Store;
  range: CatchUpRange;
  pageEvents: number;
  /** evaluates one page (ascending ids, live-seen ids removed); resolves when its alerts are stored */
  deliver(events: LogEvent[]): Promise<void>;
  /** true for an id that arrived live (held for after the catch-up) */
  skip(id: string): boolean;
  /** the upper bound became known: ids above it need no `skip` bookkeeping */
  onUpper?(upperId: string | null): void;
  /** after every page and at the end */
  onProgress?(p: CatchUpProgress, pageEvents: number): void;
  /** page query attempts before giving up (a failing store) */
  attempts?: number;
  retryDelayMs?: number;
}

const notAlert: Filter = { op: 'not', arg: { op: 'match', field: { kind: 'column', name: 'source' }, value: 'alert', wildcard: false } };

/** The events of the range, alerts excluded (alerts are detection's output, not its input). */
export function rangeFilter(r: CatchUpRange): Filter {
  const args: Filter[] = [notAlert];
  if (r.afterId !== null) args.push({ op: 'cmp', field: ID, cmp: '>', value: r.afterId });
  if (r.receivedSince !== undefined) args.push({ op: 'cmp', field: { kind: 'column', name: 'receivedAt' }, cmp: '>=', value: r.receivedSince });
  return { op: 'and', args };
}

/** One page: the next `limit` events after `cursor` up to `upper`, by ascending id. */
export function pagePlan(r: CatchUpRange, cursor: string | null, upper: string): QueryPlan {
  const args: Filter[] = [rangeFilter(r), { op: 'cmp', field: ID, cmp: '<=', value: upper }];
  if (cursor !== null) args.push({ op: 'cmp', field: ID, cmp: '>', value: cursor });
  return { filter: { op: 'and', args }, stages: [{ op: 'sort', keys: [{ field: ID, desc: false }] }] };
}

const byId = (a: LogEvent, b: LogEvent): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());
/** lets the event loop serve sockets (ingest) between pages */
export const yieldToIo = (): Promise<void> => new Promise((r) => setImmediate(r));

export class CatchUp {
  private stopping = false;
  private readonly t0 = performance.now();
  readonly progress: CatchUpProgress = { active: true, processed: 0, total: 0, remaining: 0, pages: 0, cursor: null, upperId: null, seconds: 0 };

  constructor(private readonly o: CatchUpOptions) {
    this.progress.cursor = o.range.afterId;
  }

  /** asks the loop to end after the page it is on */
  stop(): void {
    this.stopping = true;
  }

  /** Runs to the end of the range; rejects only when the store keeps failing. */
  async run(): Promise<CatchUpProgress> {
    this.o.onProgress?.(this.progress, 0);
    try {
      const upper = await this.bounds();
      if (upper !== null) await this.pages(upper);
      this.finish(this.stopping ? 'stopped' : 'done');
    } catch (e) {
      this.finish('failed');
      throw e;
    }
    return this.progress;
  }

  private finish(outcome: CatchUpProgress['outcome']): void {
    Object.assign(this.progress, { active: false, outcome, seconds: (performance.now() - this.t0) / 1000 });
    this.progress.remaining = outcome === 'done' ? 0 : Math.max(0, this.progress.total - this.progress.processed);
    this.o.onProgress?.(this.progress, 0);
  }

  /** count and largest id of the range, as stored now */
  private async bounds(): Promise<string | null> {
    const plan: QueryPlan = {
      filter: rangeFilter(this.o.range),
      stages: [{ op: 'stats', by: [], aggs: [{ fn: 'count', as: 'count' }, { fn: 'max', field: ID, as: 'maxId' }] }],
    };
    const r = await this.retrying(() => this.o.store.query({ plan, limit: 1 }));
    const row = r.kind === 'table' ? r.rows[0] : undefined;
    const total = Number(row?.[0] ?? 0);
    const upper = typeof row?.[1] === 'string' && total > 0 ? row[1] : null;
    Object.assign(this.progress, { total, remaining: total, upperId: upper });
    this.o.onUpper?.(upper);
    this.o.onProgress?.(this.progress, 0);
    return upper;
  }

  private async pages(upper: string): Promise<void> {
    const limit = Math.max(1, Math.floor(this.o.pageEvents));
    while (!this.stopping) {
      const plan = pagePlan(this.o.range, this.progress.cursor, upper);
      const r = await this.retrying(() => this.o.store.query({ plan, limit }));
      const events = r.kind === 'events' ? [...r.events].sort(byId) : [];
      if (events.length === 0) return;
      await this.o.deliver(events.filter((e) => !this.o.skip(e.id)));
      const p = this.progress;
      p.cursor = events[events.length - 1]!.id;
      p.processed += events.length;
      p.pages++;
      p.remaining = Math.max(0, p.total - p.processed);
      p.seconds = (performance.now() - this.t0) / 1000;
      this.o.onProgress?.(p, events.length);
      if (events.length < limit || p.cursor >= upper) return;
      await yieldToIo();
    }
  }

  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    const attempts = this.o.attempts ?? 4;
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (e) {
        if (i >= attempts || this.stopping) throw e;
        await sleep((this.o.retryDelayMs ?? 500) * 2 ** (i - 1));
      }
    }
  }
}
