/** Turns `field op value` into a Filter leaf, converting the value for the field's type. */
import { COLUMN_TYPES, parseTime, severityFromText } from '../core/index.ts';
import type { CmpOp, FieldRef, Filter } from '../core/index.ts';
import { fieldError } from './errors.ts';

export interface ValueTok {
  text: string;
  quoted: boolean;
  start: number;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

function isTime(ref: FieldRef): boolean {
  return ref.kind === 'column' && (ref.name === 'ts' || ref.name === 'receivedAt');
}

function isNumericColumn(ref: FieldRef): boolean {
  return ref.kind === 'column' && (COLUMN_TYPES[ref.name] === 'int' || COLUMN_TYPES[ref.name] === 'bigint');
}

function displayName(ref: FieldRef): string {
  return ref.kind === 'attr' ? `attrs.${ref.path.join('.')}` : ref.name;
}

/** A number for a numeric column (times accept RFC3339, epoch ms, `now-15m`, `15m`). */
function numberFor(query: string, ref: FieldRef, v: ValueTok): number {
  if (NUMBER.test(v.text)) return Number(v.text);
  if (isTime(ref)) {
    try {
      return parseTime(v.text, displayName(ref));
    } catch {
      throw fieldError(query, v.start, `${displayName(ref)} is a time: "${v.text}" is not a time (use 2026-01-02T15:04:05Z, epoch ms or now-15m)`, { field: displayName(ref) });
    }
  }
  if (ref.kind === 'column' && ref.name === 'severityNumber' && severityFromText(v.text) > 0) return severityFromText(v.text);
  throw fieldError(query, v.start, `${displayName(ref)} is numeric: "${v.text}" is not a number`, { field: displayName(ref) });
}

/** `field:value` / `field=value` (one value; groups are combined by the parser). */
export function matchLeaf(query: string, ref: FieldRef, v: ValueTok): Filter {
  if (!v.quoted && v.text === '*') return { op: 'exists', field: ref };
  const wildcard = !v.quoted && v.text.includes('*');
  if (isNumericColumn(ref) && !wildcard) return { op: 'match', field: ref, value: String(numberFor(query, ref, v)), wildcard: false };
  return { op: 'match', field: ref, value: v.text, wildcard };
}

/** `field<value` etc. `level`/`severity` compare the severity number (`level>=warn`). */
export function cmpLeaf(query: string, ref: FieldRef, op: CmpOp, v: ValueTok, typedName: string): Filter {
  if (SEVERITY_WORDS.has(typedName.toLowerCase()) && op !== '=' && op !== '!=') {
    ref = { kind: 'column', name: 'severityNumber' };
  }
  if (isNumericColumn(ref)) return { op: 'cmp', field: ref, cmp: op, value: numberFor(query, ref, v) };
  if ((ref.kind === 'attr' || ref.kind === 'output') && !v.quoted && NUMBER.test(v.text)) {
    return { op: 'cmp', field: ref, cmp: op, value: Number(v.text) };
  }
  return { op: 'cmp', field: ref, cmp: op, value: v.text };
}

const SEVERITY_WORDS: ReadonlySet<string> = new Set(['level', 'severity', 'severitytext']);
