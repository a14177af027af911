/**
 * YAML helpers that keep positions: a node's file:line:column, and a scalar's value as a
 * `SourceText` whose offsets map back into the file through quoting and block folding.
 */
import type { Document, LineCounter, Node, Pair, Scalar } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Location } from './source-text.ts';
import { badRule, SourceText } from './source-text.ts';

export interface YamlFile {
  path: string;
  text: string;
  lc: LineCounter;
  doc: Document;
}

export function locAt(f: YamlFile, offset: number): Location {
  const p = f.lc.linePos(offset);
  return { path: f.path, line: p.line, column: p.col };
}

export function locOf(f: YamlFile, node: Node | Pair | null | undefined, fallback?: Location): Location {
  const range = node && 'range' in node ? node.range : undefined;
  if (range) return locAt(f, range[0]);
  if (node && isPairLike(node) && node.key && isScalar(node.key) && node.key.range) return locAt(f, node.key.range[0]);
  return fallback ?? { path: f.path, line: 1, column: 1 };
}

function isPairLike(n: unknown): n is Pair {
  return typeof n === 'object' && n !== null && 'key' in n && 'value' in n;
}

export function resolve(f: YamlFile, node: unknown): unknown {
  return isAlias(node) ? node.resolve(f.doc) : node;
}

/** Plain JS value of a node. */
export function toJs(f: YamlFile, node: unknown): unknown {
  const n = resolve(f, node);
  if (n === null || n === undefined) return null;
  if (isScalar(n) || isMap(n) || isSeq(n)) return n.toJS(f.doc);
  return n;
}

/** value offset -> file offset: walks value and source in step, matching non-blank characters. */
function buildMap(value: string, raw: string, type: string | undefined): number[] {
  let j = 0;
  if (type === 'BLOCK_FOLDED' || type === 'BLOCK_LITERAL') j = raw.indexOf('\n') + 1;
  else if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') j = 1;
  const map: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (!/\s/.test(c)) {
      let k = j;
      while (k < raw.length && raw[k] !== c) k++;
      if (k < raw.length) j = k;
      map.push(j);
      j++;
    } else map.push(j);
  }
  map.push(j);
  return map;
}

/** The string value of a scalar node as a SourceText that locates offsets in the file. */
export function scalarText(f: YamlFile, node: unknown, what: string, at: Location): SourceText {
  const n = resolve(f, node);
  if (!isScalar(n) || n.value === null || typeof n.value === 'object') throw badRule(at, `${what} must be a string`);
  const value = String(n.value);
  const sc = n as Scalar;
  const [start, end] = sc.range ?? [0, 0];
  let map: number[] | undefined;
  const locate = (off: number) => {
    map ??= buildMap(value, f.text.slice(start, end), sc.type);
    const p = f.lc.linePos(start + (map[Math.min(off, map.length - 1)] ?? 0));
    return { line: p.line, column: p.col };
  };
  return new SourceText(value, [{ start: 0, length: value.length, path: f.path, locate }]);
}
