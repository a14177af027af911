/** A JSON document as an ordered tree whose leaves are JSON text (so they can hold odd escapes and raw bytes). */
import type { Odd, Part } from './text.ts';
import { stringLit } from './text.ts';

export type Node = { o: [string, Node][] } | { a: Node[] } | { t: Part[] };

export const lit = (json: string): Node => ({ t: [json] });
export const str = (s: string, odd: Odd[] = []): Node => ({ t: stringLit(s, odd) });
export const obj = (entries: Record<string, Node>): Node => ({ o: Object.entries(entries) });

export function render(n: Node, out: Part[] = []): Part[] {
  if ('t' in n) out.push(...n.t);
  else if ('a' in n) {
    out.push('[');
    n.a.forEach((x, i) => {
      if (i > 0) out.push(',');
      render(x, out);
    });
    out.push(']');
  } else {
    out.push('{');
    n.o.forEach(([k, v], i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      render(v, out);
    });
    out.push('}');
  }
  return out;
}

/** Sets (or with `undefined` deletes) the value at a dotted path, creating objects on the way. */
export function setPath(n: Node, path: string[], v: Node | undefined): void {
  if (!('o' in n)) return;
  const [head, ...rest] = path;
  const i = n.o.findIndex(([k]) => k === head);
  if (rest.length === 0) {
    if (v === undefined) {
      if (i >= 0) n.o.splice(i, 1);
    } else if (i >= 0) n.o[i] = [head!, v];
    else n.o.push([head!, v]);
    return;
  }
  if (i < 0) {
    if (v === undefined) return;
    const child: Node = { o: [] };
    n.o.push([head!, child]);
    setPath(child, rest, v);
    return;
  }
  setPath(n.o[i]![1], rest, v);
}
