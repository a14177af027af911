/**
 * The condition AST (Falco / libsinsp filter grammar). Every node keeps its offset in the
 * condition text and the text's `SourceText`, so a later error (unknown field, bad regex,
 * unknown macro) can name file:line:column even after macros were expanded into a rule.
 */
import type { SourceText } from './source-text.ts';

export interface Pos {
  /** offset in the condition text */
  pos: number;
  src: SourceText;
}

export interface FieldRef extends Pos {
  kind: 'field';
  name: string;
  arg?: string;
}

/** tolower(f), toupper(f), b64(f), basename(f), len(f), val(f); Argus: ip_class(f), image_repo(f) */
export interface TransformRef extends Pos {
  kind: 'transform';
  fn: string;
  args: FieldOperand[];
}

export type FieldOperand = FieldRef | TransformRef;

export interface ValueItem extends Pos {
  value: string;
  /** true when written without quotes: only bare items may name a list */
  bare: boolean;
}

export interface ValueOperand extends ValueItem {
  kind: 'value';
}

export interface ListOperand extends Pos {
  kind: 'list';
  items: ValueItem[];
}

export type Operand = ValueOperand | ListOperand | FieldOperand;

export type CmpMod = 'oneof' | 'anyof' | 'allof';

export interface AndExpr extends Pos {
  kind: 'and';
  children: Expr[];
}
export interface OrExpr extends Pos {
  kind: 'or';
  children: Expr[];
}
export interface NotExpr extends Pos {
  kind: 'not';
  child: Expr;
}
/** A bare identifier in boolean position: a macro reference. */
export interface IdentExpr extends Pos {
  kind: 'ident';
  name: string;
}
export interface UnaryCheck extends Pos {
  kind: 'unary';
  left: FieldOperand;
  op: 'exists';
}
export interface BinaryCheck extends Pos {
  kind: 'binary';
  left: FieldOperand;
  op: string;
  mod?: CmpMod;
  right: Operand;
}
/** Constant true/false (used when an exception has no values, or for tests). */
export interface ConstExpr extends Pos {
  kind: 'const';
  value: boolean;
}

export type Expr = AndExpr | OrExpr | NotExpr | IdentExpr | UnaryCheck | BinaryCheck | ConstExpr;

export const STR_OPS = [
  '==',
  '=',
  '!=',
  'glob',
  'iglob',
  'contains',
  'icontains',
  'bcontains',
  'startswith',
  'bstartswith',
  'endswith',
  'regex',
] as const;
export const NUM_OPS = ['<=', '<', '>=', '>'] as const;
/** longest first: the lexer takes the first operator that is a prefix of the text */
export const LIST_OPS = ['intersects_cidr', 'intersects', 'in_cidr', 'in', 'pmatch', 'registry_in'] as const;
/** list operators true only when every value of a list field matches (like `in`) */
export const EVERY_OPS: readonly string[] = ['in', 'in_cidr', 'registry_in'];
export const UNARY_OPS = ['exists'] as const;
export const MODIFIERS = ['oneof', 'anyof', 'allof'] as const;
export const TRANSFORMERS = ['tolower', 'toupper', 'b64', 'basename', 'len', 'ip_class', 'image_repo'] as const;

/** Every comparison operator name (without modifiers). */
export const ALL_OPS: readonly string[] = [...UNARY_OPS, ...NUM_OPS, ...STR_OPS, ...LIST_OPS];

export function isListOp(op: string): boolean {
  return (LIST_OPS as readonly string[]).includes(op);
}
