/**
 * Condition text -> AST, following libsinsp's grammar (filter/parser.h):
 *   Expr    ::= OrExpr;  OrExpr ::= AndExpr ('or' AndExpr)*;  AndExpr ::= NotExpr ('and' NotExpr)*
 *   NotExpr ::= ('not ')* ( 'not(' Expr ')' | Check )
 *   Check   ::= '(' Expr ')' | Field Condition | Transformer Condition | Identifier (macro)
 * so `not` binds tighter than `and`, which binds tighter than `or`.
 */
import type {
  CmpMod,
  Expr,
  FieldOperand,
  FieldRef,
  ListOperand,
  Operand,
  ValueItem,
} from './ast.ts';
import { LIST_OPS, MODIFIERS, NUM_OPS, STR_OPS, TRANSFORMERS, UNARY_OPS } from './ast.ts';
import { isColumn } from './fields-argus.ts';
import { Lexer } from './lexer.ts';
import type { SourceText } from './source-text.ts';
import { badRuleAt } from './source-text.ts';

const MAX_DEPTH = 1000;
const isWordOp = (op: string): boolean => /^[a-z]/.test(op);

export function parseCondition(src: SourceText): Expr {
  if (src.text.trim().length === 0) throw badRuleAt(src, 0, 'condition is empty');
  const p = new Parser(src);
  const e = p.parseOr();
  p.lx.blank();
  if (!p.lx.done) throw p.lx.error(`unexpected token after '${p.lx.last}', expecting 'or', 'and'`);
  return e;
}

class Parser {
  readonly lx: Lexer;
  private depth = 0;

  constructor(src: SourceText) {
    this.lx = new Lexer(src);
  }

  private enter(): void {
    if (++this.depth >= MAX_DEPTH) throw this.lx.error(`exceeded max depth limit of ${MAX_DEPTH}`);
  }

  parseOr(): Expr {
    this.enter();
    const lx = this.lx;
    lx.blank();
    const pos = lx.pos;
    const children = [this.parseAnd()];
    lx.blank();
    while (lx.str('or')) {
      if (lx.blank()) children.push(this.parseAnd());
      else if (lx.str('(')) children.push(this.embedded());
      else throw lx.error("expected blank or '(' after 'or'");
      lx.blank();
    }
    this.depth--;
    return children.length > 1 ? { kind: 'or', children, pos, src: lx.src } : children[0]!;
  }

  private parseAnd(): Expr {
    this.enter();
    const lx = this.lx;
    lx.blank();
    const pos = lx.pos;
    const children = [this.parseNot()];
    lx.blank();
    while (lx.str('and')) {
      if (lx.blank()) children.push(this.parseNot());
      else if (lx.str('(')) children.push(this.embedded());
      else throw lx.error("expected blank or '(' after 'and'");
      lx.blank();
    }
    this.depth--;
    return children.length > 1 ? { kind: 'and', children, pos, src: lx.src } : children[0]!;
  }

  private parseNot(): Expr {
    const lx = this.lx;
    lx.blank();
    const pos = lx.pos;
    let neg = false;
    while (lx.rx('notBlank')) neg = !neg;
    let child: Expr;
    if (lx.str('not(')) {
      neg = !neg;
      child = this.embedded();
    } else child = this.parseCheck();
    return neg ? { kind: 'not', child, pos, src: lx.src } : child;
  }

  /** The rest of a '(' Expr ')' after the '('. */
  private embedded(): Expr {
    this.enter();
    const e = this.parseOr();
    this.lx.blank();
    if (!this.lx.str(')')) throw this.lx.error("expected a ')' token");
    this.depth--;
    return e;
  }

  private parseCheck(): Expr {
    const lx = this.lx;
    lx.blank();
    const pos = lx.pos;
    if (lx.str('(')) return this.embedded();
    const tr = this.tryTransformer(false);
    if (tr) return this.parseCondition(tr, pos);
    if (lx.rx('fieldName')) return this.parseCondition(this.fieldRest(lx.last, pos), pos);
    if (lx.rx('identifier')) {
      // Argus extension: a bare LogEvent column (`user`, `verb`, `code`) followed by an operator
      // is a field; otherwise the identifier is a macro reference (Falco has a `namespace` macro).
      if (isColumn(lx.last) && this.operatorFollows()) return this.parseCondition(this.fieldRest(lx.last, pos), pos);
      return { kind: 'ident', name: lx.last, pos, src: lx.src };
    }
    throw lx.error("expected a '(' token, a field check, or an identifier");
  }

  private operatorFollows(): boolean {
    const lx = this.lx;
    const save = lx.pos;
    const last = lx.last;
    lx.blank();
    const ok =
      lx.peek() === '[' ||
      lx.op(UNARY_OPS, () => false) ||
      lx.op(NUM_OPS, () => false) ||
      lx.op(STR_OPS, isWordOp) ||
      lx.op(LIST_OPS, () => false);
    lx.pos = save;
    lx.last = last;
    return ok;
  }

  private fieldRest(name: string, pos: number): FieldRef {
    const f: FieldRef = { kind: 'field', name, pos, src: this.lx.src };
    const arg = this.optionalArg();
    if (arg !== undefined) f.arg = arg;
    return f;
  }

  private optionalArg(): string | undefined {
    const lx = this.lx;
    if (!lx.str('[')) return undefined;
    if (!lx.quoted() && !lx.rx('fieldArgBare')) throw lx.error('expected a valid field argument: a quoted string or a bare string');
    const arg = lx.last;
    if (!lx.str(']')) throw lx.error("expected a ']' token");
    return arg;
  }

  /** tolower(...), val(...) etc.; null when no transformer starts here. */
  private tryTransformer(allowVal: boolean): FieldOperand | null {
    const lx = this.lx;
    const pos = lx.pos;
    const names = allowVal ? ['val', ...TRANSFORMERS] : [...TRANSFORMERS];
    const fn = names.find((n) => lx.input.startsWith(`${n}(`, lx.pos));
    if (!fn) {
      const other = /^(join|concat|getopt)\(/.exec(lx.input.slice(lx.pos));
      if (other) throw lx.error(`field transformer '${other[1]}' is not supported`);
      return null;
    }
    lx.pos += fn.length + 1;
    lx.blank();
    const args: FieldOperand[] = [];
    const inner = this.tryTransformer(false);
    if (inner) args.push(inner);
    else if (lx.rx('fieldName')) args.push(this.fieldRest(lx.last, lx.pos - lx.last.length));
    else throw lx.error(`expected a field within '${fn}' transformer`);
    lx.blank();
    if (!lx.str(')')) throw lx.error("expected a ')' token closing the transformer");
    return { kind: 'transform', fn, args, pos, src: lx.src };
  }

  private parseCondition(left: FieldOperand, pos: number): Expr {
    const lx = this.lx;
    const src = lx.src;
    lx.blank();
    if (lx.op(UNARY_OPS, () => false)) return { kind: 'unary', left, op: 'exists', pos, src };
    lx.blank();
    const opPos = lx.pos;
    if (lx.op(NUM_OPS, () => false)) {
      const op = lx.last;
      lx.blank();
      return { kind: 'binary', left, op, right: this.numValue(), pos, src };
    }
    if (lx.op(STR_OPS, isWordOp)) {
      const op = lx.last === '==' ? '=' : lx.last;
      const hadBlank = isWordOp(op) || lx.blank();
      const save = lx.pos;
      if (hadBlank && lx.op(MODIFIERS, () => true)) {
        const mod = lx.last as CmpMod;
        if (this.listFollows() && !lx.boolKeywordFollows()) {
          return { kind: 'binary', left, op, mod, right: this.listValue(true), pos, src };
        }
      }
      lx.pos = save;
      return { kind: 'binary', left, op, right: this.strValue(true), pos, src };
    }
    if (lx.op(LIST_OPS, () => false)) {
      const op = lx.last;
      return { kind: 'binary', left, op, right: this.listValue(true), pos, src };
    }
    throw lx.error(
      `expected a valid check operator: one of ${[...UNARY_OPS, ...NUM_OPS, ...STR_OPS, ...LIST_OPS].map((o) => `'${o}'`).join(', ')}`,
      opPos,
    );
  }

  private listFollows(): boolean {
    const lx = this.lx;
    if (lx.peek() === '(') return true;
    const save = lx.pos;
    const ok = lx.rx('identifier');
    lx.pos = save;
    return ok;
  }

  private numValue(): Operand {
    const lx = this.lx;
    lx.blank();
    const pos = lx.pos;
    const tr = this.tryTransformer(true);
    if (tr) return tr;
    if (lx.rx('hexNum') || lx.rx('num')) return { kind: 'value', value: lx.last, bare: true, pos, src: lx.src };
    throw lx.error('expected a number value or a field with a valid transformer');
  }

  private strValue(allowTransformer: boolean): Operand {
    const lx = this.lx;
    lx.blank();
    const pos = lx.pos;
    if (allowTransformer) {
      const tr = this.tryTransformer(true);
      if (tr) return tr;
    }
    if (lx.quoted()) return { kind: 'value', value: lx.last, bare: false, pos, src: lx.src };
    if (lx.rx('bareStr')) return { kind: 'value', value: lx.last, bare: true, pos, src: lx.src };
    throw lx.error(allowTransformer ? 'expected a string value or a field with a valid transformer' : 'expected a string value');
  }

  private item(): ValueItem | null {
    const lx = this.lx;
    lx.blank();
    const pos = lx.pos;
    if (lx.quoted()) return { value: lx.last, bare: false, pos, src: lx.src };
    if (lx.rx('bareStr')) return { value: lx.last, bare: true, pos, src: lx.src };
    return null;
  }

  /** '(' items ')' | list name | transformer (for list operators). */
  private listValue(allowTransformer: boolean): Operand {
    const lx = this.lx;
    lx.blank();
    const pos = lx.pos;
    if (lx.str('(')) {
      const items: ValueItem[] = [];
      const first = this.item();
      if (first) {
        items.push(first);
        lx.blank();
        while (lx.str(',')) {
          const next = this.item();
          if (!next) throw lx.error('expected a string value');
          items.push(next);
          lx.blank();
        }
      }
      if (!lx.str(')')) throw lx.error("expected a ')' token");
      const list: ListOperand = { kind: 'list', items, pos, src: lx.src };
      return list;
    }
    if (allowTransformer) {
      const tr = this.tryTransformer(true);
      if (tr) return tr;
    }
    if (lx.rx('identifier')) return { kind: 'value', value: lx.last, bare: true, pos, src: lx.src };
    throw lx.error('expected a list, an identifier, or a field with a valid transformer');
  }
}
