/**
 * Every class of odd text, in every kind of place an event holds text, through the real HTTP
 * endpoints: each is acknowledged, stored well-formed (lone surrogates and invalid UTF-8 as
 * U+FFFD, everything else unchanged), its neighbours are stored, and the store keeps answering
 * queries, flushing and restarting (issue 15 item 1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/app.ts';
import type { LogEvent } from '../../src/core/index.ts';

interface OddText {
  name: string;
  /** the bytes placed between the quotes of a JSON string in the body */
  body: Buffer;
  /** the text the store must hold */
  stored: string;
}

const esc = (name: string, json: string, stored: string): OddText => ({ name, body: Buffer.from(json, 'latin1'), stored });
const raw = (name: string, bytes: number[]): OddText => {
  const body = Buffer.from([0x61, ...bytes, 0x62]);
  // what a WHATWG UTF-8 decoder makes of them: each maximal invalid subpart -> U+FFFD
  return { name, body, stored: body.toString('utf8') };
};

const ODD: OddText[] = [
  esc('lone high surrogate', 'x \\ud800 y', 'x \ufffd y'),
  esc('lone low surrogate', '\\udc00', '\ufffd'),
  esc('reversed pair', '\\udc00\\ud800', '\ufffd\ufffd'),
  esc('high surrogate at the end', 'end\\ud800', 'end\ufffd'),
  esc('high surrogate before a valid pair', '\\ud800\\ud83d\\ude00', '\ufffd\u{1f600}'),
  esc('escaped backslash before "ud800" (not a surrogate)', 'C:\\\\ud800', 'C:\\ud800'),
  esc('valid pair as escapes', '\\ud83d\\ude00', '\u{1f600}'),
  esc('NUL', 'a\\u0000b', 'a\u0000b'),
  esc('U+FFFE and U+FFFF', 'a\\ufffe\\uffffb', 'a\ufffe\uffffb'),
  esc('control characters', '\\u0001\\u001f\\u007f\\u0085\\t\\r\\n\\b\\f', '\u0001\u001f\u007f\u0085\t\r\n\b\f'),
  esc('line and paragraph separators', 'a\\u2028b\\u2029c', 'a\u2028b\u2029c'),
  esc('byte-order mark inside', 'a\\ufeffb', 'a\ufeffb'),
  esc('noncharacters of the astral planes', '\\udbff\\udfff\\ud83f\\udffe', '\u{10ffff}\u{1fffe}'),
  raw('raw 0xff', [0xff]),
  raw('overlong "/" (C0 AF)', [0xc0, 0xaf]),
  raw('overlong NUL (C0 80)', [0xc0, 0x80]),
  raw('truncated 3-byte sequence', [0xe2, 0x82]),
  raw('CESU-8 surrogate (ED A0 80)', [0xed, 0xa0, 0x80]),
  raw('above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]),
  raw('lone continuation bytes', [0x80, 0xbf]),
  { name: '1 MB single line', body: Buffer.from('x'.repeat(1 << 20)), stored: 'x'.repeat(1 << 20) },
];

/** where a generic event holds the text, with the field limit of the generic decoder (64 KB) */
const PLACES = ['message', 'attrs key', 'attrs value', 'namespace', 'groups element'] as const;
type Place = (typeof PLACES)[number];
const SMALL_FIELDS: Place[] = ['namespace', 'groups element'];

const tmp = mkdtempSync(join(tmpdir(), 'argus-odd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function makeApp(dir: string): App {
  return createApp({ data: dir, listen: '127.0.0.1:0' }, { logger: pino({ level: 'silent' }), defaultMetrics: false });
}

const MARK = '@MARK@';

/** A JSON body with the odd bytes spliced in where MARK is (exactly once). */
function splice(template: string, odd: Buffer): Buffer {
  const t = Buffer.from(template);
  const at = t.indexOf(MARK);
  return Buffer.concat([t.subarray(0, at), odd, t.subarray(at + MARK.length)]);
}

function genericEvent(id: string, place?: Place): Record<string, unknown> {
  const e: Record<string, unknown> = { pod: id, message: `carrier ${id}` };
  if (place === 'message') e.message = MARK;
  if (place === 'attrs key') e.attrs = { [MARK]: 'v' };
  if (place === 'attrs value') e.attrs = { k: { deeper: [MARK] } };
  if (place === 'namespace') e.namespace = MARK;
  if (place === 'groups element') e.groups = ['a', MARK];
  return e;
}

function storedText(e: LogEvent, place: Place): string | undefined {
  const attrs = e.attrs as Record<string, any>;
  if (place === 'message') return e.message;
  if (place === 'attrs key') return Object.keys(attrs).find((k) => k !== 'k');
  if (place === 'attrs value') return attrs.k?.deeper?.[0] as string | undefined;
  if (place === 'namespace') return e.namespace;
  return e.groups?.[1];
}

function auditEvent(id: string, username: string): Record<string, unknown> {
  return {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods', verb: 'list', user: { username, groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.1'], objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-01-15T10:00:00.000000Z', stageTimestamp: '2026-01-15T10:00:00.001000Z',
  };
}

async function all(app: App): Promise<LogEvent[]> {
  const r = await app.http.inject({ method: 'GET', url: '/api/v1/query?limit=10000&q=' });
  expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  return (r.json() as { events: LogEvent[] }).events;
}

describe('odd text through the ingest endpoints', () => {
  it('acknowledges, stores well-formed and keeps serving, for every class of odd text in every place', async () => {
    const dir = join(tmp, 'data');
    let app = makeApp(dir);
    await app.start();
    const expected: { id: string; place: Place | 'audit user'; stored: string; name: string }[] = [];
    const neighbours: string[] = [];
    try {
      for (const [i, odd] of ODD.entries()) {
        for (const place of PLACES) {
          const big = odd.body.length > 64 * 1024;
          if (big && SMALL_FIELDS.includes(place)) continue; // over the decoder's field limit: a 4xx, not a store matter
          const id = `c${i}-${place.replace(' ', '-')}`;
          const body = splice(JSON.stringify([genericEvent(`${id}-before`), genericEvent(id, place), genericEvent(`${id}-after`)]), odd.body);
          const r = await app.http.inject({ method: 'POST', url: '/api/v1/events', payload: body, headers: { 'content-type': 'application/json' } });
          expect(r.statusCode, `${odd.name} as ${place}: ${r.body.slice(0, 200)}`).toBe(200);
          expected.push({ id, place, stored: odd.stored, name: odd.name });
          neighbours.push(`${id}-before`, `${id}-after`);
        }
        const id = `audit-${i}`;
        const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [auditEvent(`${id}-before`, 'alice'), auditEvent(id, MARK), auditEvent(`${id}-after`, 'bob')] };
        const r = await app.http.inject({ method: 'POST', url: '/k8s-audit', payload: splice(JSON.stringify(list), odd.body), headers: { 'content-type': 'application/json' } });
        expect(r.statusCode, `${odd.name} as audit user.username: ${r.body.slice(0, 200)}`).toBe(200);
        expected.push({ id, place: 'audit user', stored: odd.stored, name: odd.name });
        neighbours.push(`${id}-before`, `${id}-after`);
      }

      const check = async (when: string): Promise<void> => {
        const events = await all(app);
        const byId = new Map<string, LogEvent>();
        for (const e of events) byId.set(e.pod ?? e.auditId ?? '', e);
        for (const n of neighbours) expect(byId.has(n), `${when}: neighbour ${n}`).toBe(true);
        for (const x of expected) {
          const e = byId.get(x.id);
          expect(e, `${when}: ${x.name} as ${x.place}`).toBeDefined();
          const text = x.place === 'audit user' ? e!.user : storedText(e!, x.place);
          expect(text?.isWellFormed(), `${when}: ${x.name} as ${x.place} well-formed`).toBe(true);
          expect(text === x.stored, `${when}: ${x.name} as ${x.place}: ${JSON.stringify(text?.slice(0, 60))}`).toBe(true);
        }
        expect((await app.store.stats()).quarantinedEvents ?? 0).toBe(0);
      };
      await check('tail');
      await app.store.flush();
      expect((await app.store.stats()).extra.tailRows).toBe(0);
      await check('segments');
      await app.stop();
      app = makeApp(dir);
      await app.start();
      await check('after restart');
    } finally {
      await app.stop();
    }
  }, 60_000);
});
