/**
 * Reads a Policy YAML with the `yaml` package, keeping source ranges so that every finding can
 * name a line, then validates it (validate.ts).
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { ArgusError } from '../core/index.ts';
import { validatePolicyObject } from './validate.ts';
import type { LineLocator } from './validate.ts';
import type { Finding, Policy } from './types.ts';

export interface ParsedPolicy {
  /** undefined when the text is not a usable policy (see findings) */
  policy: Policy | undefined;
  /** the policy as far as it could be read despite validation errors (undefined: not even that) */
  draft?: Policy;
  findings: Finding[];
  lineOf: LineLocator;
}

function makeLocator(doc: Document, lc: LineCounter): LineLocator {
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 1 : lc.linePos(offset).line);
  return (path) => {
    let node: unknown = doc.contents;
    let line = lineAt((doc.contents as Node | null)?.range?.[0]);
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === seg);
        if (pair === undefined) return line;
        line = lineAt((pair.key as Node | null)?.range?.[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (item === undefined) return line;
        line = lineAt(item.range?.[0]);
        node = item;
      } else {
        return line;
      }
    }
    return line;
  };
}

export function parsePolicy(text: string): ParsedPolicy {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const lineOf = makeLocator(doc, lc);
  const findings: Finding[] = [];
  for (const e of doc.errors) {
    findings.push({
      severity: 'error',
      code: 'yaml-syntax',
      line: e.linePos?.[0].line ?? lineAt(lc, e.pos[0]),
      message: `YAML: ${e.message.split('\n')[0] ?? e.message}`,
    });
  }
  if (findings.length > 0) return { policy: undefined, findings, lineOf };
  const r = validatePolicyObject(doc.toJS({ maxAliasCount: 100 }) as unknown, lineOf);
  return { policy: r.policy, ...(r.draft ? { draft: r.draft } : {}), findings: [...findings, ...r.findings], lineOf };
}

function lineAt(lc: LineCounter, offset: number): number {
  return lc.linePos(offset).line;
}

/** Parses and validates; throws BAD_CONFIG (naming the lines) when the policy has errors. */
export function loadPolicy(text: string, where = 'policy'): Policy {
  const r = parsePolicy(text);
  const errors = r.findings.filter((f) => f.severity === 'error');
  if (r.policy === undefined || errors.length > 0) {
    const msg = errors.map((f) => `${where}:${f.line}: ${f.message}`).join('; ');
    throw new ArgusError('BAD_CONFIG', msg || `${where}: not a valid audit policy`, { findings: errors });
  }
  return r.policy;
}
