/**
 * Odd text, as pieces of JSON *text*: a JSON-escaped fragment to put inside a string literal
 * (so a lone surrogate can be sent as the escape `\ud800`, which JSON.stringify would never
 * produce), or raw bytes (invalid UTF-8 inside the body). Specs stay small (a 1 MB string is
 * `{unit, times}`), so that a counter-example prints readably.
 */
import fc from 'fast-check';

/** A piece of a body: JSON text, or raw bytes inserted as they are. */
export type Part = string | { raw: number[] | Uint8Array };

/** Named JSON escapes (the content of a string literal, between its quotes). */
export const ESCAPES: Record<string, string> = {
  'lone high surrogate': '\\ud800',
  'lone low surrogate': '\\udfff',
  'reversed surrogate pair': '\\udc00\\ud800',
  'high surrogate then letter': '\\ud83dx',
  'high surrogate at the end': 'abc\\udbff',
  'NUL': '\\u0000',
  'NUL in the middle': 'a\\u0000b',
  'U+FFFE U+FFFF': '\\ufffe\\uffff',
  'BOM': '\\ufeff',
  'C0 and DEL controls': '\\u0001\\u0008\\u001b\\u001f\\u007f',
  'C1 controls': '\\u0080\\u009f',
  'line and paragraph separators': '\\u2028\\u2029',
  'bidi override': '\\u202eevil\\u202c',
  'combining marks': 'a\\u0301\\u0302\\u0303\\u0304',
  'valid emoji pair': '\\ud83d\\ude00',
  'max code point': '\\udbff\\udfff',
  'backslashes and quotes': '\\\\\\"\\\\\\\\\\"',
  'newlines and tabs': 'a\\nb\\r\\nc\\td',
  'SQL quote': "'; DROP TABLE events; --",
  'LIKE metacharacters': '%_\\\\%',
  'JSON in a string': '{\\"kind\\":\\"Event\\",\\"a\\":[1,2]}',
  'glob and regex characters': '*?[a-z]+(.*)*$^',
  'non-BMP CJK': '\\ud840\\udc00\\u4e2d\\u6587',
  'surrogate escape in upper case': '\\uD800\\uDFFF\\uDBFF',
};

/** Named byte sequences that are not valid UTF-8 (each is replaced or rejected by a decoder). */
export const RAW_BYTES: Record<string, number[]> = {
  'byte 0xFF': [0xff],
  'overlong NUL (C0 80)': [0xc0, 0x80],
  'overlong slash (E0 80 AF)': [0xe0, 0x80, 0xaf],
  'overlong 4-byte (F0 80 80 AF)': [0xf0, 0x80, 0x80, 0xaf],
  'CESU-8 surrogate (ED A0 80)': [0xed, 0xa0, 0x80],
  'truncated 3-byte sequence': [0xe2, 0x82],
  'lone continuation bytes': [0x80, 0xbf],
  'above U+10FFFF (F4 90 80 80)': [0xf4, 0x90, 0x80, 0x80],
  '5-byte form (F8 88 80 80 80)': [0xf8, 0x88, 0x80, 0x80, 0x80],
  'Latin-1 e-acute': [0xe9],
  'raw U+FFFE (EF BF BE)': [0xef, 0xbf, 0xbe],
};

/** Units a big string is made of (JSON text). */
const BIG_UNITS = ['a', 'ab ', 'e', '\\u00e9', '\\ud83d\\ude00', '\\ud800', 'x\\u0000', '\\\\', '\\"'];

export type Odd =
  | { esc: string }
  | { raw: string }
  | { big: string; times: number }
  | { text: string };

export function oddArb(opts: { raw?: boolean; big?: boolean; maxBig?: number } = {}): fc.Arbitrary<Odd> {
  const maxBig = opts.maxBig ?? 1_000_000;
  const arbs: fc.Arbitrary<Odd>[] = [
    fc.constantFrom(...Object.keys(ESCAPES)).map((esc) => ({ esc })),
    fc.string({ unit: 'binary', maxLength: 40 }).map((text) => ({ text })),
    fc.string({ unit: fc.constantFrom('*', '"', '\\', ':', '(', ')', '%', '_', ' ', 'é', '\u0000', '\ud800', '\udc00'), maxLength: 20 }).map((text) => ({ text })),
  ];
  if (opts.raw !== false) arbs.push(fc.constantFrom(...Object.keys(RAW_BYTES)).map((raw) => ({ raw })));
  if (opts.big) {
    arbs.push(
      fc.record({ big: fc.constantFrom(...BIG_UNITS), times: fc.integer({ min: 100_000, max: maxBig }) }).map((b) => ({ big: b.big, times: Math.max(1, Math.floor(b.times / b.big.length)) })),
    );
  }
  return fc.oneof(...arbs);
}

/** JSON string-literal content of a plain JS string (lone surrogates included, as escapes). */
export function escapeText(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** The pieces of one odd text, to put inside a string literal. */
export function oddParts(o: Odd): Part[] {
  if ('esc' in o) return [ESCAPES[o.esc]!];
  if ('raw' in o) return [{ raw: RAW_BYTES[o.raw]! }];
  if ('big' in o) return [o.big.repeat(o.times)];
  return [escapeText(o.text)];
}

/** A JSON string literal: `"` + prefix + odd pieces + `"`. */
export function stringLit(prefix: string, odd: Odd[] = []): Part[] {
  return ['"', escapeText(prefix), ...odd.flatMap((o) => [...oddParts(o)]), '"'];
}

/** Does this text contain raw bytes (then it cannot be re-embedded as a JS string)? */
export function hasRaw(parts: Part[]): boolean {
  return parts.some((p) => typeof p !== 'string');
}

export function partsToBuffer(parts: Part[]): Buffer {
  const bufs: Buffer[] = [];
  let pending = '';
  for (const p of parts) {
    if (typeof p === 'string') pending += p;
    else {
      if (pending) bufs.push(Buffer.from(pending, 'utf8'));
      pending = '';
      bufs.push(Buffer.from(p.raw));
    }
  }
  if (pending) bufs.push(Buffer.from(pending, 'utf8'));
  return Buffer.concat(bufs);
}

/**
 * JSON text (as parts) turned into the content of a JSON string literal, for envelopes that carry
 * an event as a string (EKS `message`, AKS `properties.log`). Raw bytes stay raw.
 */
export function embedParts(parts: Part[]): Part[] {
  return ['"', ...parts.map((p) => (typeof p === 'string' ? escapeText(p) : p)), '"'];
}

/** Length in bytes of the parts once encoded. */
export function partsLength(parts: Part[]): number {
  let n = 0;
  for (const p of parts) n += typeof p === 'string' ? Buffer.byteLength(p) : p.raw.length;
  return n;
}
