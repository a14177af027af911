import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { describeWithSamples, samplePath } from '../../../test/helpers/samples.ts';
import type { DecodeResult } from './index.ts';
import { readAuditFile } from './index.ts';

const TRACES = 'falco-k8saudit/trace_files/k8s_audit';
const DIR = pathToFileURL(samplePath(TRACES) + '/');
const tmp = mkdtempSync(join(tmpdir(), 'argus-k8s-audit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 2 500 events (the 51 fixtures repeated with unique auditIDs) plus 2 bad lines and blank lines. */
function bigFile(): { text: string; events: number; badLines: number[] } {
  const base = readdirSync(DIR)
    .flatMap((f) => readFileSync(new URL(f, DIR), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l))
    .filter((e) => e.kind === 'Event');
  const lines: string[] = [];
  const badLines: number[] = [];
  for (let i = 0; i < 2500; i++) {
    lines.push(JSON.stringify({ ...base[i % base.length], auditID: `id-${i}` }));
    if (i === 10) lines.push('');
    if (i === 1200 || i === 2400) {
      badLines.push(lines.length);
      lines.push('{"kind":"Event","auditID":');
    }
  }
  return { text: lines.join('\n') + '\n', events: 2500, badLines };
}

async function collect(path: string, batchSize?: number): Promise<{ batches: DecodeResult[]; sum: Awaited<ReturnType<typeof readAuditFile>> }> {
  const batches: DecodeResult[] = [];
  const sum = await readAuditFile(
    path,
    async (b) => {
      await new Promise((r) => setTimeout(r, 1));
      batches.push(b);
    },
    { cluster: 'files', ...(batchSize ? { batchSize } : {}) },
  );
  return { batches, sum };
}

describeWithSamples(TRACES, 'readAuditFile', () => {
  const big = bigFile();

  for (const gz of [false, true]) {
    it(`streams a ${gz ? 'gzip' : 'plain'} NDJSON file in batches of at most 1000`, async () => {
      const path = join(tmp, gz ? 'audit.log.gz' : 'audit.log');
      writeFileSync(path, gz ? gzipSync(big.text) : big.text);
      const { batches, sum } = await collect(path);
      expect(batches.every((b) => b.events.length <= 1000)).toBe(true);
      expect(batches.map((b) => b.events.length)).toEqual([1000, 1000, 500]);
      const events = batches.flatMap((b) => b.events);
      expect(events).toHaveLength(big.events);
      expect(new Set(events.map((e) => e.auditId)).size).toBe(big.events);
      expect(events.every((e) => e.cluster === 'files')).toBe(true);
      expect(batches.flatMap((b) => b.errors).map((e) => e.index)).toEqual(big.badLines);
      expect(sum).toMatchObject({ lines: big.text.split('\n').length - 1, events: 2500, errors: 2, batches: 3 });
    });
  }

  it('honours a smaller batch size and detects gzip by magic bytes', async () => {
    const path = join(tmp, 'rotated-audit.log.1');
    writeFileSync(path, gzipSync(big.text));
    const { batches } = await collect(path, 300);
    expect(Math.max(...batches.map((b) => b.events.length))).toBe(300);
    expect(batches.reduce((n, b) => n + b.events.length, 0)).toBe(2500);
  });

  it('splits an EventList line larger than a batch', async () => {
    const item = JSON.parse(big.text.split('\n')[0]!);
    const items = Array.from({ length: 25 }, (_, i) => ({ ...item, auditID: `l-${i}` }));
    const path = join(tmp, 'list.log');
    writeFileSync(path, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items }));
    const { batches } = await collect(path, 10);
    expect(batches.map((b) => b.events.length)).toEqual([10, 10, 5]);
  });

  it('rejects a missing file', async () => {
    await expect(readAuditFile(join(tmp, 'nope.log'), () => {})).rejects.toThrow(/ENOENT/);
  });
});

describeWithSamples('falco-k8saudit-cloud/eks', 'readAuditFile, one-document files', () => {
  it('reads an EKS CloudWatch export (pretty-printed JSON) and indexes errors by record', async () => {
    const { batches, sum } = await collect(samplePath('falco-k8saudit-cloud/eks/eks_filterlogevents_response.CONSTRUCTED.json'));
    expect(sum).toMatchObject({ format: 'eks', indexes: 'record', events: 5, errors: 1 });
    expect(batches.flatMap((b) => b.errors).map((e) => e.index)).toEqual([5]);
    expect(batches.flatMap((b) => b.events).every((e) => e.cluster === 'files')).toBe(true);
  });

  it('splits a pretty-printed EventList into batches, gzip too', async () => {
    const item = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', stage: 'ResponseComplete', verb: 'get', requestURI: '/api', user: { username: 'u' }, requestReceivedTimestamp: '2026-11-25T10:00:00Z', stageTimestamp: '2026-11-25T10:00:00Z' };
    const items = Array.from({ length: 25 }, (_, i) => ({ ...item, auditID: `d-${i}` }));
    const text = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [...items, { kind: 'Event' }] }, null, 2);
    const path = join(tmp, 'list.json.gz');
    writeFileSync(path, gzipSync(text));
    const { batches, sum } = await collect(path, 10);
    expect(batches.map((b) => b.events.length)).toEqual([10, 10, 5]);
    expect(sum).toMatchObject({ format: 'eventlist', indexes: 'record', events: 25, errors: 1 });
    expect(batches.flatMap((b) => b.errors).map((e) => e.index)).toEqual([25]);
  });
});
