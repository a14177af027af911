/** Whole `POST /api/v1/events` bodies (JSON array, one object, NDJSON) and what they require. */
import fc from 'fast-check';
import type { Expect } from '../harness/batch.ts';
import type { Req } from '../harness/http.ts';
import { BODY_LIMIT } from '../harness/server.ts';
import type { Item } from './generic-events.ts';
import { buildItem, itemArb } from './generic-events.ts';
import type { Part } from './text.ts';
import { partsToBuffer } from './text.ts';
import type { Transport } from './transport.ts';
import { applyTransport, plainTransport } from './transport.ts';

export type Framing = 'array' | 'ndjson' | 'single';

export interface Body {
  framing: Framing;
  items: Item[];
  /** whitespace between items */
  sep: '' | ' ' | '\n' | '\r\n';
  trailingNewline: boolean;
  transport: Transport;
}

export interface BodyOptions {
  kinds: Item['k'][];
  odd?: boolean;
  big?: boolean;
  maxItems?: number;
  transport?: fc.Arbitrary<Transport>;
  framings?: Framing[];
  /** a single object may be pretty-printed over several lines */
  prettySingle?: boolean;
}

export function bodyArb(o: BodyOptions): fc.Arbitrary<Body> {
  return fc.constantFrom<Framing>(...(o.framings ?? ['array', 'ndjson', 'single'])).chain((framing) =>
    fc.record({
      framing: fc.constant(framing),
      items: fc.array(itemArb(o.kinds, { odd: o.odd ?? false, big: o.big ?? false, pretty: framing === 'array' || (framing === 'single' && (o.prettySingle ?? false)) }), {
        minLength: 1,
        maxLength: framing === 'single' ? 1 : (o.maxItems ?? 8),
      }),
      sep: framing === 'ndjson' ? fc.constantFrom<Body['sep']>('\n', '\r\n') : fc.constantFrom<Body['sep']>('', ' ', '\n', '\r\n'),
      trailingNewline: fc.boolean(),
      transport: o.transport ?? fc.constant(plainTransport),
    }),
  );
}

export function buildBody(b: Body, tag: string, now: number): { req: Req; exp: Expect } {
  const built = b.items.map((it, i) => buildItem(it, `${tag}${i}z`, now));
  const parts: Part[] = [];
  if (b.framing === 'array') parts.push('[');
  built.forEach((it, i) => {
    if (i > 0) parts.push(b.framing === 'array' ? `,${b.sep}` : b.sep);
    parts.push(...it.parts);
  });
  if (b.framing === 'array') parts.push(']');
  if (b.trailingNewline) parts.push('\n');
  const plain = partsToBuffer(parts);
  const wire = applyTransport(plain, b.transport);
  // the server reads a body that starts with '[' as one JSON array, anything else line by line
  const first = built[0]!.parts[0];
  const arrayLike = b.framing !== 'ndjson' || (typeof first === 'string' && first.trimStart().startsWith('['));
  // NDJSON whose first line is an array is read as one (invalid) array: nothing is predicted then
  const markersTrusted = !(b.framing === 'ndjson' && arrayLike);
  const framingOk = b.framing === 'ndjson' ? markersTrusted : built.every((it) => it.syntaxOk);
  const tooLarge = wire.body.length > BODY_LIMIT;
  const plainTooLarge = wire.plainLength > BODY_LIMIT;
  let status = wire.requiredStatus ?? (tooLarge ? 413 : undefined);
  if (status === undefined && wire.understood && !framingOk && markersTrusted && !plainTooLarge) status = 400;
  const exp: Expect = {
    items: built.map((it) => ({ good: it.good, ...(it.marker && markersTrusted ? { marker: it.marker } : {}), ...(it.reserved ? { reserved: true } : {}) })),
    mustAckGoods: wire.understood && framingOk && !plainTooLarge && status === undefined,
    ...(status !== undefined ? { status } : {}),
    what: `a ${b.framing} body of ${b.items.length} item(s) (${b.items.map((i) => i.k).join(',')})`,
  };
  return { req: { method: 'POST', path: '/api/v1/events', headers: wire.headers, body: wire.body }, exp };
}
