/**
 * Macro expansion and list resolution, with Falco's visibility rules (rule_loader_compiler.cpp):
 * a macro sees the macros first defined before its last (re)definition; rules see all macros;
 * every macro is parsed and resolved even when unused; a list item naming a list defined
 * earlier is replaced by that list's items. Loops are reported at the referencing identifier.
 */
import type { Expr } from './ast.ts';
import { parseCondition } from './parser.ts';
import type { SourceText } from './source-text.ts';
import { badRuleAt } from './source-text.ts';

export interface NamedDef {
  name: string;
  /** position of the first definition (redefinitions keep it) */
  index: number;
  /** position of the last definition/append */
  visibility: number;
}

export interface ListDef extends NamedDef {
  items: string[];
}

export interface MacroDef extends NamedDef {
  cond: SourceText;
}

/** Expands list items naming other (earlier) lists; returns name -> flat items. */
export function resolveLists(lists: ReadonlyMap<string, ListDef>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const expand = (l: ListDef, seen: Set<string>): string[] => {
    const done = out.get(l.name);
    if (done) return done;
    const items: string[] = [];
    for (const item of l.items) {
      const ref = lists.get(item);
      if (ref && ref.index < l.visibility && !seen.has(ref.name)) {
        items.push(...expand(ref, new Set([...seen, ref.name])));
      } else items.push(item);
    }
    out.set(l.name, items);
    return items;
  };
  for (const l of lists.values()) out.set(l.name, expand(l, new Set([l.name])));
  return out;
}

export class MacroTable {
  private readonly defs: ReadonlyMap<string, MacroDef>;
  private readonly parsed = new Map<string, Expr>();

  constructor(defs: ReadonlyMap<string, MacroDef>) {
    this.defs = defs;
  }

  /** Parses and resolves every macro (Falco reports errors in unused macros too). */
  checkAll(): void {
    for (const m of this.defs.values()) this.expand(this.parse(m.name), m.visibility, [m.name]);
  }

  /** A rule condition with all macros substituted. */
  expandRule(expr: Expr): Expr {
    return this.expand(expr, Number.POSITIVE_INFINITY, []);
  }

  private parse(name: string): Expr {
    let e = this.parsed.get(name);
    if (!e) {
      e = parseCondition(this.defs.get(name)!.cond);
      this.parsed.set(name, e);
    }
    return e;
  }

  private expand(e: Expr, visibility: number, path: readonly string[]): Expr {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { ...e, children: e.children.map((c) => this.expand(c, visibility, path)) };
      case 'not':
        return { ...e, child: this.expand(e.child, visibility, path) };
      case 'ident': {
        const def = this.defs.get(e.name);
        if (!def || def.index >= visibility) {
          throw badRuleAt(e.src, e.pos, `undefined macro '${e.name}' used in filter`, { macro: e.name });
        }
        if (path.includes(e.name)) {
          throw badRuleAt(e.src, e.pos, `reference loop in macro '${e.name}' (${[...path, e.name].join(' -> ')})`, { macro: e.name });
        }
        return this.expand(this.parse(e.name), visibility, [...path, e.name]);
      }
      default:
        return e;
    }
  }
}
