/** Simplifies a parsed filter: flattens AND/OR, drops `true` terms, folds same-field ORs into `in`. */
import type { FieldRef, Filter } from '../core/index.ts';

function sameField(a: FieldRef, b: FieldRef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'attr' && b.kind === 'attr') return a.path.length === b.path.length && a.path.every((p, i) => p === b.path[i]);
  return (a as { name: string }).name === (b as { name: string }).name;
}

export function normalize(f: Filter): Filter {
  switch (f.op) {
    case 'not':
      return { op: 'not', arg: normalize(f.arg) };
    case 'and':
    case 'or': {
      const args: Filter[] = [];
      for (const a of f.args.map(normalize)) {
        if (a.op === f.op) args.push(...a.args);
        else args.push(a);
      }
      if (f.op === 'and') {
        const kept = args.filter((a) => a.op !== 'true');
        if (kept.length === 0) return { op: 'true' };
        return kept.length === 1 ? kept[0]! : { op: 'and', args: kept };
      }
      if (args.some((a) => a.op === 'true')) return { op: 'true' };
      return foldIn(args);
    }
    default:
      return f;
  }
}

/** OR of exact (non-wildcard) matches / ins on one field -> one `in`. */
function foldIn(args: Filter[]): Filter {
  if (args.length === 1) return args[0]!;
  const first = args[0]!;
  const field = first.op === 'match' || first.op === 'in' ? first.field : undefined;
  const values: string[] = [];
  for (const a of args) {
    if (field && a.op === 'match' && !a.wildcard && sameField(a.field, field)) values.push(a.value);
    else if (field && a.op === 'in' && sameField(a.field, field)) values.push(...a.values);
    else return { op: 'or', args };
  }
  return field ? { op: 'in', field, values } : { op: 'or', args };
}
