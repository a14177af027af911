/**
 * Rule coverage: does every request that rule B matches also match rule A? Then B, placed after
 * A, can never be reached (first match wins). Exact for the forms the checker understands;
 * conservative otherwise (it may answer "not covered" when a union of patterns would cover).
 */
import type { GroupResources, PolicyRule } from './types.ts';

type Scope = 'any' | 'resource' | 'nonResource';

function scope(r: PolicyRule): Scope {
  if ((r.namespaces ?? []).length > 0 || (r.resources ?? []).length > 0) return 'resource';
  if ((r.nonResourceURLs ?? []).length > 0) return 'nonResource';
  return 'any';
}

/** An empty list on A means "all"; otherwise B must be non-empty and a subset. */
function listCovers(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if ((a ?? []).length === 0) return true;
  if ((b ?? []).length === 0) return false;
  return (b ?? []).every((x) => (a ?? []).includes(x));
}

/** Does resource pattern `p` match every (resource, subresource) that pattern `q` matches? */
export function patternCovers(p: string, q: string): boolean {
  if (p === '*' || p === q) return true;
  if (q === '*') return false;
  const [qRes = '', qSub] = q.split('/', 2);
  if (p.endsWith('/*') && !p.startsWith('*/')) return qRes === p.slice(0, -2) && qRes !== '*';
  if (p.startsWith('*/') && p !== '*/*') return qSub !== undefined && qSub !== '*' && qSub === p.slice(2);
  return false;
}

/** Is every (group, resource, name) that `b` admits admitted by some entry of `a`? */
function groupResourcesCover(a: readonly GroupResources[], b: readonly GroupResources[]): boolean {
  if (a.length === 0) return true;
  if (b.length === 0) return false;
  return b.every((gb) => {
    // a's "*" (every API group) covers any group of b; b's "*" only a's "*"
    const sameGroup = a.filter((ga) => ga.group === '*' || (ga.group ?? '') === (gb.group ?? ''));
    if (sameGroup.some((ga) => (ga.resources ?? []).length === 0)) return true;
    const bRes = gb.resources ?? [];
    if (bRes.length === 0) {
      return sameGroup.some((ga) => (ga.resourceNames ?? []).length === 0 && (ga.resources ?? []).includes('*'));
    }
    return bRes.every((q) =>
      sameGroup.some(
        (ga) => listCovers(ga.resourceNames, gb.resourceNames) && (ga.resources ?? []).some((p) => patternCovers(p, q)),
      ),
    );
  });
}

function urlCovers(p: string, q: string): boolean {
  if (p === '*' || p === q) return true;
  if (!p.endsWith('*')) return false;
  const prefix = p.replace(/\*+$/, '');
  return q !== '*' && q.replace(/\*+$/, '').startsWith(prefix);
}

/** True when every request matched by `b` is also matched by `a`. */
export function ruleCovers(a: PolicyRule, b: PolicyRule): boolean {
  if (!listCovers(a.users, b.users) || !listCovers(a.userGroups, b.userGroups) || !listCovers(a.verbs, b.verbs)) {
    return false;
  }
  const sa = scope(a);
  const sb = scope(b);
  if (sa === 'any') return true;
  if (sa !== sb) return false;
  if (sa === 'nonResource') {
    return (b.nonResourceURLs ?? []).every((q) => (a.nonResourceURLs ?? []).some((p) => urlCovers(p, q)));
  }
  return listCovers(a.namespaces, b.namespaces) && groupResourcesCover(a.resources ?? [], b.resources ?? []);
}

/** A catch-all rule matches every request: no users, groups, verbs, resources, namespaces or URLs. */
export function isCatchAll(r: PolicyRule): boolean {
  return (
    (r.users ?? []).length === 0 &&
    (r.userGroups ?? []).length === 0 &&
    (r.verbs ?? []).length === 0 &&
    scope(r) === 'any'
  );
}
