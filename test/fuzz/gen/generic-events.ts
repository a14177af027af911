/**
 * Items of a `POST /api/v1/events` body. A `good` item is a valid event (whatever odd but
 * well-formed text it carries): it must be stored, exactly once. Every item that keeps its
 * marker in `message` (and `user`) is counted afterwards: stored once if the answer acknowledged
 * it, never otherwise.
 */
import fc from 'fast-check';
import type { Deep, Weird, Wide } from './json-values.ts';
import { deepArb, deepText, weirdArb, weirdParts, wideArb, wideText } from './json-values.ts';
import type { Odd, Part } from './text.ts';
import { oddArb, partsToBuffer, stringLit } from './text.ts';

type Ts = 'none' | 'ms' | 'seconds' | 'us' | 'ns' | 'rfc3339' | 'rfc3339-nanos' | 'timestamp-field';
const ODD_FIELDS = ['message', 'namespace', 'pod', 'container', 'severityText', 'userAgent', 'attr value', 'attr key', 'groups', 'extra field'] as const;
type OddField = (typeof ODD_FIELDS)[number];
/** fields limited to 64 KiB: no big strings there */
const SHORT_FIELDS: ReadonlySet<OddField> = new Set(['namespace', 'pod', 'container', 'severityText', 'userAgent', 'groups']);

export interface Shape {
  source?: 'app' | 'fuzz.src' | 'generic-x' | 'A_b-9';
  ts: Ts;
  msgField: 'message' | 'msg';
  namespace?: string;
  code?: number;
  severityNumber?: number;
  level?: 'info' | 'WARN' | 'error';
  attrs?: Record<string, string | number | boolean | null>;
  odd?: { field: OddField; odd: Odd[] };
  /** repeat a non-marker key (JSON.parse keeps the last) */
  dupKeys: boolean;
  spacing: 'compact' | 'spaces' | 'pretty';
}

export type Mutation = { field: string; value: Weird } | { drop: 'message' | 'source' | 'attrs' };
const MUTABLE = ['ts', 'timestamp', 'source', 'severityNumber', 'code', 'message', 'msg', 'groups', 'attrs', 'namespace', 'severityText', 'level', 'dedupKey', 'stream', 'tsNanos', 'id', 'receivedAt', '__proto__', 'constructor'];

export type Item =
  | { k: 'good'; shape: Shape }
  | { k: 'mutated'; shape: Shape; mut: Mutation }
  | { k: 'deep'; shape: Shape; deep: Deep; where: 'attrs' | 'extra' }
  | { k: 'wide'; shape: Shape; wide: Wide }
  | { k: 'junk'; json: string }
  | { k: 'broken'; shape: Shape; how: 'truncate' | 'raw control' | 'NaN' | 'trailing comma' | 'single quotes'; at: number }
  | { k: 'garbage'; text: string };

export function shapeArb(opts: { odd?: boolean; big?: boolean; pretty?: boolean } = {}): fc.Arbitrary<Shape> {
  const odd = fc.record({ field: fc.constantFrom(...ODD_FIELDS), odd: fc.array(oddArb({ big: opts.big ?? false }), { minLength: 1, maxLength: 4 }) });
  return fc.record(
    {
      source: fc.constantFrom('app', 'fuzz.src', 'generic-x', 'A_b-9'),
      ts: fc.constantFrom<Ts>('none', 'ms', 'seconds', 'us', 'ns', 'rfc3339', 'rfc3339-nanos', 'timestamp-field'),
      msgField: fc.constantFrom('message', 'msg'),
      namespace: fc.constantFrom('payments', 'kube-system', 'a-b.c'),
      code: fc.integer({ min: 0, max: 999 }),
      severityNumber: fc.integer({ min: 0, max: 24 }),
      level: fc.constantFrom('info', 'WARN', 'error'),
      attrs: fc.dictionary(fc.constantFrom('a', 'b', 'path', 'n', 'flag'), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
      odd: opts.odd ? odd : fc.constant(undefined),
      dupKeys: fc.boolean(),
      spacing: opts.pretty ? fc.constantFrom('compact', 'spaces', 'pretty') : fc.constantFrom('compact', 'spaces'),
    },
    { requiredKeys: ['ts', 'msgField', 'dupKeys', 'spacing'] },
  ).map((s) => {
    if (s.odd && SHORT_FIELDS.has(s.odd.field)) s.odd = { field: s.odd.field, odd: s.odd.odd.filter((o) => !('big' in o)) };
    if (s.odd && s.odd.odd.length === 0) delete s.odd;
    return s as Shape;
  });
}

export function itemArb(kinds: Item['k'][], opts: { odd?: boolean; big?: boolean; pretty?: boolean } = {}): fc.Arbitrary<Item> {
  const shape = shapeArb(opts);
  const all: Record<Item['k'], fc.Arbitrary<Item>> = {
    good: shape.map((s) => ({ k: 'good', shape: s })),
    mutated: fc.record({
      shape,
      mut: fc.oneof(
        { weight: 8, arbitrary: fc.record({ field: fc.constantFrom(...MUTABLE), value: weirdArb }) },
        { weight: 1, arbitrary: fc.record({ drop: fc.constantFrom('message', 'source', 'attrs') }) },
      ),
    }).map((r) => ({ k: 'mutated', ...r }) as Item),
    deep: fc.record({ shape, deep: deepArb, where: fc.constantFrom('attrs', 'extra') }).map((r) => ({ k: 'deep', ...r }) as Item),
    wide: fc.record({ shape, wide: wideArb }).map((r) => ({ k: 'wide', ...r }) as Item),
    junk: fc.constantFrom('null', '0', '-1.5e300', '"str"', '[]', '[{}]', 'true', '[[[]]]', '{}', '{"attrs":[]}', '{"message":null}').map((json) => ({ k: 'junk', json }) as Item),
    broken: fc.record({ shape, how: fc.constantFrom('truncate', 'raw control', 'NaN', 'trailing comma', 'single quotes'), at: fc.double({ min: 0, max: 0.999, noNaN: true }) }).map(
      (r) => ({ k: 'broken', ...r }) as Item,
    ),
    garbage: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).map((text) => ({ k: 'garbage', text }) as Item),
  };
  return fc.oneof(...kinds.map((k) => all[k]));
}

export interface BuiltItem {
  parts: Part[];
  /** a valid event that must be stored */
  good: boolean;
  /** the marker is in `message` and `user`: the item is counted afterwards */
  marker?: string;
  /** the text is valid JSON (a broken item makes a whole array body invalid) */
  syntaxOk: boolean;
  /** the reserved source or key this item tries to use */
  reserved?: boolean;
}

function tsField(ts: Ts, now: number): [string, string] | undefined {
  switch (ts) {
    case 'none':
      return undefined;
    case 'ms':
      return ['ts', String(now)];
    case 'seconds':
      return ['ts', String(now / 1000)];
    case 'us':
      return ['ts', String(now * 1000 + 123)];
    case 'ns':
      return ['ts', `${now}000456`];
    case 'rfc3339':
      return ['ts', `"${new Date(now).toISOString()}"`];
    case 'rfc3339-nanos':
      return ['ts', `"${new Date(now).toISOString().slice(0, 19)}.123456789Z"`];
    case 'timestamp-field':
      return ['timestamp', String(now)];
  }
}

/** The fields of a shape as [key, JSON text parts] pairs. */
function shapeFields(s: Shape, marker: string, now: number): [string, Part[]][] {
  const odd = s.odd;
  const oddIn = (f: OddField): Odd[] => (odd && odd.field === f ? odd.odd : []);
  const f: [string, Part[]][] = [];
  if (s.dupKeys) f.push(['namespace', ['"first-value"']]);
  f.push([s.msgField, stringLit(`hello ${marker} `, oddIn('message'))]);
  f.push(['user', [`"${marker}"`]]);
  if (s.source) f.push(['source', [`"${s.source}"`]]);
  const t = tsField(s.ts, now);
  if (t) f.push([t[0], [t[1]]]);
  if (s.namespace !== undefined || odd?.field === 'namespace') f.push(['namespace', stringLit(s.namespace ?? '', oddIn('namespace'))]);
  for (const k of ['pod', 'container', 'severityText', 'userAgent'] as const) if (odd?.field === k) f.push([k, stringLit('x', odd.odd)]);
  if (odd?.field === 'groups') f.push(['groups', ['[', ...stringLit('g', odd.odd), ',"system:authenticated"]']]);
  if (s.code !== undefined) f.push(['code', [String(s.code)]]);
  if (s.severityNumber !== undefined) f.push(['severityNumber', [String(s.severityNumber)]]);
  if (s.level !== undefined) f.push(['level', [`"${s.level}"`]]);
  const attrs: Part[] = ['{'];
  for (const [k, v] of Object.entries(s.attrs ?? {})) attrs.push(`${JSON.stringify(k)}:${JSON.stringify(v)},`);
  if (odd?.field === 'attr value') attrs.push('"odd":', ...stringLit('', odd.odd), ',');
  if (odd?.field === 'attr key') attrs.push(...stringLit('k', odd.odd), ':1,');
  attrs.push('"fuzz":true}');
  f.push(['attrs', attrs]);
  if (odd?.field === 'extra field') f.push(['extra', stringLit('', odd.odd)]);
  if (s.dupKeys) f.push(['namespace', ['"second-value"']]);
  return f;
}

function objectText(fields: [string, Part[]][], spacing: Shape['spacing']): Part[] {
  const out: Part[] = [spacing === 'pretty' ? '{\n  ' : '{'];
  fields.forEach(([k, v], i) => {
    if (i > 0) out.push(spacing === 'compact' ? ',' : spacing === 'spaces' ? ', ' : ',\n  ');
    out.push(JSON.stringify(k), spacing === 'compact' ? ':' : ': ', ...v);
  });
  out.push(spacing === 'pretty' ? '\n}' : '}');
  return out;
}

const RESERVED_SOURCES = new Set(['k8s_audit', 'alert', 'argus_audit']);

export function buildItem(item: Item, marker: string, now: number): BuiltItem {
  switch (item.k) {
    case 'good':
      return { parts: objectText(shapeFields(item.shape, marker, now), item.shape.spacing), good: true, marker, syntaxOk: true };
    case 'mutated': {
      const m = item.mut;
      const key = 'drop' in m ? m.drop : m.field;
      const fields = shapeFields(item.shape, marker, now).filter(([k]) => k !== key && !(key === 'message' && k === 'msg'));
      if (!('drop' in m)) fields.push([m.field, weirdParts(m.value)]);
      const touchesMessage = key === 'message' || key === 'msg';
      const reserved = key === 'source' && 'value' in m && 'w' in m.value && ['"k8s_audit"', '"alert"'].includes(weirdParts(m.value)[0] as string);
      return { parts: objectText(fields, item.shape.spacing), good: false, ...(touchesMessage ? {} : { marker }), syntaxOk: true, ...(reserved ? { reserved } : {}) };
    }
    case 'deep': {
      const fields = shapeFields(item.shape, marker, now);
      if (item.where === 'attrs') {
        const i = fields.findIndex(([k]) => k === 'attrs');
        fields[i] = ['attrs', [`{"deep":${deepText(item.deep)}}`]];
      } else fields.push(['nested', [deepText(item.deep)]]);
      return { parts: objectText(fields, 'compact'), good: false, marker, syntaxOk: true };
    }
    case 'wide': {
      const fields = shapeFields(item.shape, marker, now).filter(([k]) => k !== 'attrs');
      fields.push(['attrs', [wideText(item.wide)]]);
      return { parts: objectText(fields, 'compact'), good: false, marker, syntaxOk: true };
    }
    case 'junk':
      return { parts: [item.json], good: false, syntaxOk: true };
    case 'broken': {
      const text = objectText(shapeFields(item.shape, marker, now), 'compact');
      if (item.how === 'truncate') {
        const buf = partsToBuffer(text);
        return { parts: [{ raw: buf.subarray(0, Math.max(1, Math.floor(item.at * (buf.length - 1)))) }], good: false, syntaxOk: false };
      }
      const bad = { 'raw control': ['"a', { raw: [0x01] }, 'b"'], NaN: ['NaN'], 'trailing comma': ['[1,]'], 'single quotes': ["'x'"] }[item.how] as Part[];
      return { parts: [...text.slice(0, -1), ',"bad":', ...bad, '}'], good: false, syntaxOk: false };
    }
    case 'garbage': {
      // '~' first: never valid JSON, never read as an array
      return { parts: [`~${item.text.replace(/[\r\n]/g, ' ')}`], good: false, syntaxOk: false };
    }
  }
}

/** Items of a reserved-provenance case: forged sources and idempotency keys. */
export function reservedItemText(kind: 'source' | 'dedupKey' | 'both', value: string, marker: string, now: number): BuiltItem {
  const fields: string[] = [`"message":"forged ${marker}"`, `"user":"${marker}"`, `"ts":${now}`];
  if (kind !== 'dedupKey') fields.push(`"source":${JSON.stringify(value)}`);
  // a key unique to the case (a constant key would be a legitimate duplicate in the next case)
  const key = value.includes('{m}') ? value.replace('{m}', marker) : `${value}:${marker}`;
  if (kind !== 'source') fields.push(`"dedupKey":${JSON.stringify(kind === 'both' ? `alert:${marker}` : key)}`);
  return { parts: [`{${fields.join(',')}}`], good: false, marker, syntaxOk: true, reserved: RESERVED_SOURCES.has(value.toLowerCase()) || kind !== 'source' };
}
