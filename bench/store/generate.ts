/**
 * Writes N synthetic-but-realistic events as NDJSON, the way they arrive: audit.k8s.io/v1 Events
 * (as the apiserver's log backend writes them) mixed with container log events (generic API shape).
 * Seeded, so every run produces the same file.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { SCENARIOS, containerEvent, createRng, noiseAuditEvent } from '../../src/sources/synthetic/index.ts';

export interface GenerateOptions {
  path: string;
  events: number;
  seed?: number;
  /** first event time (ms); events are spread evenly over `spanMs` */
  startTs: number;
  spanMs: number;
}

export async function generateNdjson(o: GenerateOptions): Promise<{ bytes: number; audit: number; container: number }> {
  const rng = createRng(o.seed ?? 7);
  const out = createWriteStream(o.path);
  const names = Object.keys(SCENARIOS);
  let bytes = 0;
  let audit = 0;
  let container = 0;
  let buf: string[] = [];
  const step = o.spanMs / o.events;
  let i = 0;
  while (i < o.events) {
    const ts = Math.floor(o.startTs + i * step);
    if (i % 5000 === 4999) {
      for (const ev of SCENARIOS[rng.pick(names)]!(rng, ts)) {
        if (i >= o.events) break;
        buf.push(JSON.stringify(ev));
        audit++;
        i++;
      }
    } else if (rng.chance(0.6)) {
      buf.push(JSON.stringify(noiseAuditEvent(rng, ts)));
      audit++;
      i++;
    } else {
      buf.push(JSON.stringify(containerEvent(rng, ts)));
      container++;
      i++;
    }
    if (buf.length >= 2000) {
      const chunk = buf.join('\n') + '\n';
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      buf = [];
    }
  }
  if (buf.length) {
    const chunk = buf.join('\n') + '\n';
    bytes += Buffer.byteLength(chunk);
    out.write(chunk);
  }
  out.end();
  await once(out, 'finish');
  return { bytes, audit, container };
}
