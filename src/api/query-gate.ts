/**
 * Admission and deadline for the store queries the HTTP API runs. At most `query.maxConcurrent`
 * run at once and `query.maxQueued` wait (first come, first served); beyond that a query is
 * refused with 503 QUERY_OVERLOADED and Retry-After. Each query has a deadline counted from its
 * arrival (`query.timeout`, queue time included): past it the store interrupts its engine and the
 * client gets 503 QUERY_TIMEOUT. The caller's signal (the client went away) cancels it, queued
 * or running, and `abortAll` (the server stopping) ends every one. Answers are capped at
 * `query.maxResultBytes`. Outcomes are counted in `argus_queries_total{outcome}`.
 */
import type { FastifyReply } from 'fastify';
import { ArgusError, isArgusError, parseDuration } from '../core/index.ts';
import type { QueryConfig } from '../core/index.ts';
import type { QueryResult, Store, StoreQuery } from '../store/index.ts';
import type { Metrics } from './metrics.ts';

interface Waiter {
  grant: () => void;
}

export type QueryOutcome = 'ok' | 'truncated' | 'timeout' | 'cancelled' | 'rejected' | 'failed';

export class QueryGate {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private readonly live = new Set<AbortController>();
  private readonly timeoutMs: number;

  constructor(
    private readonly store: Store,
    private readonly cfg: QueryConfig,
    private readonly metrics: Metrics,
  ) {
    this.timeoutMs = parseDuration(cfg.timeout, 'query.timeout');
  }

  /** Runs `q` under the limits; `signal` aborts it (the client went away). */
  async query(q: Omit<StoreQuery, 'signal' | 'maxBytes'>, signal?: AbortSignal): Promise<QueryResult> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(this.timeoutError()), this.timeoutMs);
    const onCancel = (): void => ac.abort(new ArgusError('QUERY_CANCELLED', 'The client closed the connection before the answer'));
    if (signal?.aborted) onCancel();
    else signal?.addEventListener('abort', onCancel, { once: true });
    this.live.add(ac);
    try {
      await this.acquire(ac.signal);
      try {
        const r = await this.store.query({ ...q, signal: ac.signal, maxBytes: this.cfg.maxResultBytes });
        this.count(r.truncated ? 'truncated' : 'ok');
        return r;
      } finally {
        this.release();
      }
    } catch (e) {
      this.count(outcomeOf(e, ac.signal));
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCancel);
      this.live.delete(ac);
    }
  }

  /** Stops every query, running or queued (the server is stopping). */
  abortAll(reason: ArgusError = new ArgusError('STORE_CLOSED', 'The server is stopping')): void {
    for (const ac of this.live) ac.abort(reason);
  }

  /** queries running and waiting now */
  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }

  private timeoutError(): ArgusError {
    return new ArgusError(
      'QUERY_TIMEOUT',
      `The query ran longer than query.timeout (${this.cfg.timeout}) and was stopped; narrow the query or its time range, or raise query.timeout`,
      { timeoutMs: this.timeoutMs },
    );
  }

  private acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(reasonOf(signal));
    if (this.running < this.cfg.maxConcurrent) {
      this.running++;
      this.gauges();
      return Promise.resolve();
    }
    if (this.queue.length >= this.cfg.maxQueued) {
      return Promise.reject(
        new ArgusError('QUERY_OVERLOADED', `${this.running} queries are running and ${this.queue.length} waiting (query.maxConcurrent, query.maxQueued); retry later`, {
          running: this.running,
          queued: this.queue.length,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        // a query whose client left (or whose deadline passed) leaves the queue
        const i = this.queue.indexOf(w);
        if (i >= 0) this.queue.splice(i, 1);
        this.gauges();
        reject(reasonOf(signal));
      };
      const w: Waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.queue.push(w);
      this.gauges();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next.grant();
    else this.running--;
    this.gauges();
  }

  private gauges(): void {
    this.metrics.queriesRunning.set(this.running);
    this.metrics.queriesQueued.set(this.queue.length);
  }

  private count(outcome: QueryOutcome): void {
    this.metrics.queries.inc({ outcome });
  }
}

function reasonOf(signal: AbortSignal): unknown {
  return isArgusError(signal.reason) ? signal.reason : new ArgusError('QUERY_CANCELLED', 'The query was cancelled');
}

function outcomeOf(e: unknown, signal: AbortSignal): QueryOutcome {
  if (isArgusError(e) && e.code === 'QUERY_OVERLOADED') return 'rejected';
  if (isArgusError(e) && e.code === 'QUERY_TIMEOUT') return 'timeout';
  if (signal.aborted) return 'cancelled';
  return 'failed';
}

/**
 * A signal that aborts when the client closes the connection before the reply is sent
 * (a response's 'close' comes either after it finished or when its connection went away).
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac.signal;
}
