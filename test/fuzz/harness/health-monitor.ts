/**
 * Polls GET /healthz every ~100 ms from a worker thread, so the measurement does not depend on the
 * test's own event loop (which builds megabyte bodies). Results go through a SharedArrayBuffer:
 * the latency of every check, the start of the one in flight (a frozen server shows there as an
 * ever older start), the worst since the last `takeWindow()`, and the worst overall.
 */
import { Worker } from 'node:worker_threads';

const INFLIGHT = 0;
const MAX = 1;
const WINDOW = 2;
const CHECKS = 3;
const FAILURES = 4;
const SLOTS = 5;

// plain JS (the worker runs it with eval: no TypeScript loader there); it uses only Node globals
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const s = new Float64Array(workerData.shared);
let url = null;
let gen = 0;
parentPort.on('message', (m) => { url = m.url; gen++; });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  for (;;) {
    if (url === null) { await sleep(20); continue; }
    const myGen = gen;
    const t0 = Date.now();
    s[${INFLIGHT}] = t0;
    let ok = false;
    try {
      const r = await fetch(url + '/healthz', { signal: AbortSignal.timeout(600000) });
      await r.arrayBuffer();
      ok = r.status === 200;
    } catch {}
    const lat = Date.now() - t0;
    s[${INFLIGHT}] = 0;
    if (myGen !== gen) continue; // the server was replaced meanwhile: this check says nothing
    s[${CHECKS}]++;
    if (!ok) s[${FAILURES}]++;
    if (lat > s[${MAX}]) s[${MAX}] = lat;
    if (lat > s[${WINDOW}]) s[${WINDOW}] = lat;
    await sleep(Math.max(0, 100 - lat));
  }
})();
`;

export interface HealthSummary {
  checks: number;
  failures: number;
  maxLatencyMs: number;
}

export class HealthMonitor {
  private readonly shared = new SharedArrayBuffer(SLOTS * 8);
  private readonly s = new Float64Array(this.shared);
  private readonly worker: Worker;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared: this.shared } });
    this.worker.unref();
  }

  /** Poll this server from now on; null pauses (while a server is replaced). */
  watch(url: string | null): void {
    this.s[INFLIGHT] = 0;
    this.worker.postMessage({ url });
  }

  /** How long the current check has been waiting (0 when none is in flight). */
  inflightMs(): number {
    const t = this.s[INFLIGHT]!;
    return t === 0 ? 0 : Date.now() - t;
  }

  /** The worst latency since the previous call (including a check still waiting), then resets it. */
  takeWindow(): number {
    const w = Math.max(this.s[WINDOW]!, this.inflightMs());
    this.s[WINDOW] = 0;
    return w;
  }

  summary(): HealthSummary {
    return { checks: this.s[CHECKS]!, failures: this.s[FAILURES]!, maxLatencyMs: Math.max(this.s[MAX]!, this.inflightMs()) };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
