/** JSON values as text: weird scalars, deep nesting, wide objects, for any event field. */
import fc from 'fast-check';
import type { Odd, Part } from './text.ts';
import { oddArb, stringLit } from './text.ts';

/** Values that are valid JSON but wrong or extreme for most fields (JSON text). */
export const WEIRD_VALUES: string[] = [
  '1.2e38', '1e308', '-1e308', '-1', '-0', '0', '1e999', '-1e999', '1e-400', '0.5', '9007199254740993',
  '123456789012345678901234567890', '4294967296', '-2147483649', '25', '1000',
  '"NaN"', '"Infinity"', '"-Infinity"', '""', '" "', '"1e999"', '"0x10"', '"1.2e38"', '"-1"',
  '"2026-13-45T99:99:99Z"', '"+275760-09-13T00:00:00.001Z"', '"9999-12-31T23:59:59.999999999Z"',
  '"1970-01-01T00:00:00Z"', '"0000-01-01T00:00:00Z"', '"-000001-01-01T00:00:00Z"', '"2026-01-15T10:00:00+25:00"',
  '"2026-01-15T10:00:00.1234567891Z"', '"now"', '"now-15m"', '"1768471200000"',
  'true', 'false', 'null', '[]', '{}', '[1,"a",null]', '{"a":{"b":[]}}', '[[[[[[]]]]]]', '"\\ud800"', '"\\u0000"',
  '"k8s_audit"', '"alert"', '"a b c"', '"../../etc/passwd"',
];

export type Weird = { w: number } | { s: Odd[] } | { long: number };

export const weirdArb: fc.Arbitrary<Weird> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: WEIRD_VALUES.length - 1 }).map((w) => ({ w })) },
  { weight: 2, arbitrary: fc.array(oddArb({ big: false }), { minLength: 1, maxLength: 3 }).map((s) => ({ s })) },
  { weight: 1, arbitrary: fc.integer({ min: 65_000, max: 70_000 }).map((long) => ({ long })) },
);

export function weirdParts(v: Weird): Part[] {
  if ('w' in v) return [WEIRD_VALUES[v.w]!];
  if ('long' in v) return [`"${'x'.repeat(v.long)}"`];
  return stringLit('', v.s);
}

export interface Deep {
  depth: number;
  form: 'object' | 'array' | 'mixed';
}

export const deepArb: fc.Arbitrary<Deep> = fc.record({
  depth: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 600, max: 10_000 }), fc.constantFrom(511, 512, 513, 4999, 5000, 10_000)),
  form: fc.constantFrom('object', 'array', 'mixed'),
});

/** Nesting `depth` levels deep, built as text (no recursion here either). */
export function deepText(d: Deep): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < d.depth; i++) {
    const obj = d.form === 'object' || (d.form === 'mixed' && i % 2 === 0);
    open.push(obj ? '{"a":' : '[');
    close.push(obj ? '}' : ']');
  }
  return `${open.join('')}1${close.reverse().join('')}`;
}

export interface Wide {
  keys: number;
  keyForm: 'short' | 'odd' | 'long' | 'dotted' | 'same';
}

export const wideArb: fc.Arbitrary<Wide> = fc.record({
  keys: fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.constantFrom(10_000)),
  keyForm: fc.constantFrom('short', 'odd', 'long', 'dotted', 'same'),
});

const ODD_KEYS = ['', ' ', '.', '..', '\\"', '\\ud800', '\\u0000', '$', '*', 'a.b', '__proto__', 'constructor', "'", '\\\\'];

/** An object with many keys (text). */
export function wideText(w: Wide): string {
  const n = w.keyForm === 'long' ? Math.min(w.keys, 2000) : w.keys;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    let k: string;
    if (w.keyForm === 'short') k = `k${i}`;
    else if (w.keyForm === 'odd') k = `${ODD_KEYS[i % ODD_KEYS.length]}${i % 3 === 0 ? '' : i}`;
    else if (w.keyForm === 'long') k = `${'k'.repeat(500)}${i}`;
    else if (w.keyForm === 'dotted') k = `a.b${i % 7}.c${i}`;
    else k = 'same';
    parts.push(`"${k}":${i % 5 === 0 ? `"v${i}"` : i}`);
  }
  return `{${parts.join(',')}}`;
}
