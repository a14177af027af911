/**
 * Live-tail fan-out. Clients are grouped by their normalized query; per batch each distinct filter
 * runs once and each matching event is serialized once to its SSE frame, and the same string is
 * written to every client of the group. A client whose socket buffer would pass the bound is
 * disconnected with an `event: error` naming the reason (never buffered without bound), and the
 * number of clients is capped. The hub takes batches through a function, not from a Store.
 */
import type { LogEvent } from '../core/index.ts';
import type { Metrics } from './metrics.ts';

/** One client's stream, as the hub sees it (an SSE response in the route; anything in tests). */
export interface TailSink {
  /** bytes written but not yet taken by the client */
  pending(): number;
  write(text: string): void;
  /** ends the stream after `last` (if given) */
  close(last?: string): void;
}

export interface TailHubOptions {
  /** delivers durable batches to `onBatch`; returns the unsubscribe function */
  subscribe(onBatch: (events: LogEvent[]) => void): () => void;
  maxClients: number;
  maxClientBufferBytes: number;
  metrics: Metrics;
  heartbeatMs?: number;
}

export type JoinResult = { kind: 'ok'; leave: () => void } | { kind: 'full'; limit: number };

interface Group {
  match: (e: LogEvent) => boolean;
  clients: Set<TailSink>;
}

/** Frames are written in pieces of about this size (fewer writes, and the bound is checked often). */
const PIECE_BYTES = 64 * 1024;

export function sseFrame(e: LogEvent): string {
  return `id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`;
}

export function errorFrame(reason: string): string {
  return `event: error\ndata: ${JSON.stringify({ reason })}\n\n`;
}

export class TailHub {
  private readonly groups = new Map<string, Group>();
  private clients = 0;
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly o: TailHubOptions) {}

  /** Adds a client for the query whose normalized text is `key`; `full` at maxClients. */
  join(key: string, match: (e: LogEvent) => boolean, sink: TailSink): JoinResult {
    if (this.clients >= this.o.maxClients) {
      this.o.metrics.tailRefused.inc();
      return { kind: 'full', limit: this.o.maxClients };
    }
    let g = this.groups.get(key);
    if (!g) {
      g = { match, clients: new Set() };
      this.groups.set(key, g);
    }
    g.clients.add(sink);
    this.clients++;
    this.o.metrics.tailClients.set(this.clients);
    if (!this.unsubscribe) {
      this.unsubscribe = this.o.subscribe((events) => this.onBatch(events));
      this.heartbeat = setInterval(() => this.beat(), this.o.heartbeatMs ?? 15_000);
      this.heartbeat.unref();
    }
    return { kind: 'ok', leave: () => this.leave(key, sink) };
  }

  /** Ends every client (server shutdown). */
  close(): void {
    for (const [key, g] of [...this.groups]) {
      for (const c of [...g.clients]) {
        this.leave(key, c);
        c.close();
      }
    }
  }

  private leave(key: string, sink: TailSink): void {
    const g = this.groups.get(key);
    if (!g || !g.clients.delete(sink)) return;
    this.clients--;
    this.o.metrics.tailClients.set(this.clients);
    if (g.clients.size === 0) this.groups.delete(key);
    if (this.clients === 0) {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  private onBatch(events: LogEvent[]): void {
    // one frame per event per batch, shared by every group that matches it
    const frames = new Array<string | undefined>(events.length);
    for (const [key, g] of [...this.groups]) {
      this.o.metrics.tailFilterRuns.inc();
      const pieces: string[] = [];
      let piece = '';
      for (let i = 0; i < events.length; i++) {
        if (!g.match(events[i]!)) continue;
        piece += frames[i] ??= sseFrame(events[i]!);
        if (piece.length >= PIECE_BYTES) {
          pieces.push(piece);
          piece = '';
        }
      }
      if (piece.length > 0) pieces.push(piece);
      if (pieces.length === 0) continue;
      for (const c of [...g.clients]) this.deliver(key, c, pieces);
    }
    this.measure();
  }

  private deliver(key: string, c: TailSink, pieces: string[]): void {
    for (const p of pieces) {
      if (c.pending() + p.length > this.o.maxClientBufferBytes) {
        this.disconnect(key, c);
        return;
      }
      c.write(p);
    }
  }

  private disconnect(key: string, c: TailSink): void {
    this.leave(key, c);
    this.o.metrics.tailDisconnected.inc({ reason: 'slow_client' });
    const limit = this.o.maxClientBufferBytes;
    c.close(errorFrame(`slow client: more than ${limit} bytes waiting to be read (tail.maxClientBufferBytes); read faster or narrow the query`));
  }

  private beat(): void {
    for (const g of this.groups.values()) {
      for (const c of g.clients) if (c.pending() < this.o.maxClientBufferBytes) c.write(': keep-alive\n\n');
    }
  }

  private measure(): void {
    let bytes = 0;
    for (const g of this.groups.values()) for (const c of g.clients) bytes += c.pending();
    this.o.metrics.tailBufferedBytes.set(bytes);
  }

  stats(): { clients: number; queries: number } {
    return { clients: this.clients, queries: this.groups.size };
  }
}
