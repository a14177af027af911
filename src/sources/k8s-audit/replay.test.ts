/** Replays every Falco k8s_audit trace file and checks each promoted field against the raw JSON. */
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { describeWithSamples, hasSamples, samplePath } from '../../../test/helpers/samples.ts';
import { decodeAuditPayload } from './index.ts';
import type { LogEventInput } from '../../core/index.ts';

const TRACES = 'falco-k8saudit/trace_files/k8s_audit';
const DIR = pathToFileURL(samplePath(TRACES) + '/');
const files = hasSamples(TRACES) ? readdirSync(DIR).filter((f) => f.endsWith('.json')).sort() : [];
const CTX = { cluster: 'replay', receivedAt: 1_700_000_000_000 };

type Raw = Record<string, any>;

function rawEvents(text: string): Raw[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Raw);
}

/** Expected ts/tsNanos computed independently: whole seconds by Date.parse, fraction by hand. */
function expectedTime(raw: Raw): { ts: number; tsNanos: number } {
  const s: string = raw.stageTimestamp ?? raw.requestReceivedTimestamp ?? raw.timestamp;
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(s)!;
  const frac = (m[2] ?? '').padEnd(9, '0');
  return { ts: Date.parse(`${m[1]}Z`) + Number(frac.slice(0, 3)), tsNanos: Number(frac.slice(3, 9)) };
}

function nonEmpty(v: unknown): unknown {
  return v === '' ? undefined : v;
}

function checkAgainstRaw(ev: LogEventInput, raw: Raw, cluster: string | undefined): void {
  const ref = raw.objectRef ?? {};
  const ann = raw.annotations ?? {};
  const code = raw.responseStatus?.code;
  expect(ev.source).toBe('k8s_audit');
  expect(ev.cluster).toBe(cluster);
  expect({ ts: ev.ts, tsNanos: ev.tsNanos }).toEqual(expectedTime(raw));
  expect(ev.namespace).toBe(ref.namespace);
  expect(ev.user).toBe(raw.user?.username);
  expect(ev.groups).toEqual(raw.user?.groups);
  expect(ev.verb).toBe(raw.verb);
  expect(ev.resource).toBe(ref.resource);
  expect(ev.subresource).toBe(ref.subresource);
  expect(ev.apiGroup).toBe(ref.apiGroup);
  expect(ev.objectNamespace).toBe(ref.namespace);
  expect(ev.objectName).toBe(ref.name);
  expect(ev.code).toBe(code);
  expect(ev.sourceIp).toBe(raw.sourceIPs?.[0]);
  expect(ev.userAgent).toBe(raw.userAgent);
  expect(ev.stage).toBe(raw.stage);
  expect(ev.auditId).toBe(raw.auditID);
  expect(ev.decision).toBe(nonEmpty(ann['authorization.k8s.io/decision']));
  expect(ev.reason).toBe(nonEmpty(ann['authorization.k8s.io/reason']));
  expect(ev.impersonatedUser).toBe(raw.impersonatedUser?.username);
  expect(ev.dedupKey).toBe(`k8s_audit:${cluster ?? ''}:${raw.auditID}:${raw.stage}`);
  const sev = code >= 500 ? 'ERROR' : code === 401 || code === 403 ? 'WARN' : 'INFO';
  expect(ev.severityText).toBe(sev);
  expect(ev.message).toContain(raw.user.username);
  expect(ev.message).toContain(String(code));
  expect(ev.raw).toBeUndefined();
  // attrs is the whole audit event in its original shape (these fixtures hold nothing to redact)
  expect(ev.attrs).toEqual(raw);
}

describeWithSamples(TRACES, 'Falco k8s_audit trace files', () => {
  it('has the 47 fixture files the samples README lists', () => {
    expect(files).toHaveLength(47);
  });

  for (const file of files) {
    it(`replays ${file}`, () => {
      const text = readFileSync(new URL(file, DIR), 'utf8');
      const raws = rawEvents(text);
      const auto = decodeAuditPayload(text, CTX);
      const nd = decodeAuditPayload(text, { ...CTX, format: 'ndjson' });
      const good = raws.filter((r) => r.kind === 'Event');
      for (const r of [auto, nd]) {
        expect(r.events).toHaveLength(good.length);
        expect(r.redactions).toBe(0);
        r.events.forEach((ev, i) => checkAgainstRaw(ev, good[i]!, 'replay'));
      }
      if (file === 'fal_01_003.json') {
        expect(auto.errors).toEqual([{ index: 0, field: 'kind', message: 'data not recognized as a k8s audit event' }]);
      } else {
        expect(auto.errors).toEqual([]);
        expect(nd.errors).toEqual([]);
      }
    });
  }

  it('counts 51 events in the three vintages, and decodes them all as one EventList and as an array', () => {
    const all = files.flatMap((f) => rawEvents(readFileSync(new URL(f, DIR), 'utf8'))).filter((r) => r.kind === 'Event');
    expect(all).toHaveLength(51);
    const vintages = { none: 0, v1beta1: 0, v1: 0 };
    for (const r of all) {
      if (r.apiVersion === undefined) vintages.none++;
      else if (r.apiVersion === 'audit.k8s.io/v1beta1') vintages.v1beta1++;
      else if (r.apiVersion === 'audit.k8s.io/v1') vintages.v1++;
    }
    expect(vintages).toEqual({ none: 38, v1beta1: 9, v1: 4 });
    const list = decodeAuditPayload(JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: all }), { receivedAt: 1 });
    expect(list.format).toBe('eventlist');
    expect(list.errors).toEqual([]);
    list.events.forEach((ev, i) => checkAgainstRaw(ev, all[i]!, undefined));
    const arr = decodeAuditPayload(JSON.stringify(all), { receivedAt: 1, cluster: 'c' });
    expect(arr.format).toBe('array');
    arr.events.forEach((ev, i) => checkAgainstRaw(ev, all[i]!, 'c'));
    const nd = decodeAuditPayload(all.map((r) => JSON.stringify(r)).join('\n'), { receivedAt: 1 });
    expect(nd.format).toBe('ndjson');
    expect(nd.events).toHaveLength(51);
  });
});
