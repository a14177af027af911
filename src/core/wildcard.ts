/**
 * Wildcard matching in linear time, without regular expressions: the query language's `*`
 * (any run of characters, newlines included) and fnmatch-style globs (`*`, `?`, `[set]`) for
 * detection rules. A backtracking regex for `*a*a*a*b` takes exponential time on a long line;
 * these matchers never backtrack more than one star (greedy segments for `*`-only patterns,
 * the classic two-pointer algorithm for globs), so the worst case is O(text × pattern).
 */

/**
 * A case-insensitive whole-string matcher for a query wildcard pattern (`*` = any sequence).
 * Both sides are lowercased with toLowerCase, as the SQL side uses lower().
 */
export function wildcardMatcher(pattern: string): (text: string) => boolean {
  const segs = pattern.toLowerCase().split('*');
  const first = segs[0]!;
  if (segs.length === 1) return (t) => t.toLowerCase() === first;
  const last = segs[segs.length - 1]!;
  const mids = segs.slice(1, -1).filter((s) => s.length > 0);
  const minLen = first.length + last.length + mids.reduce((n, s) => n + s.length, 0);
  return (text) => {
    const t = text.toLowerCase();
    if (t.length < minLen || !t.startsWith(first) || !t.endsWith(last)) return false;
    // greedy leftmost placement of each middle segment is optimal when `*` is the only wildcard
    let pos = first.length;
    const end = t.length - last.length;
    for (const m of mids) {
      const i = t.indexOf(m, pos);
      if (i < 0 || i + m.length > end) return false;
      pos = i + m.length;
    }
    return true;
  };
}

/** True when the pattern has two or more literal runs after its first `*` (where LIKE backtracks). */
export function wildcardNeedsLinearMatcher(pattern: string): boolean {
  const segs = pattern.split('*');
  if (segs.length < 2) return false;
  return segs.slice(1).filter((s) => s.length > 0).length >= 2;
}

type GlobToken =
  | { t: 'char'; c: string }
  | { t: 'any' }
  | { t: 'star' }
  | { t: 'set'; neg: boolean; items: (string | [string, string])[] };

function setEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '!' || p[i] === '^') i++;
  if (p[i] === ']') i++;
  for (; i < p.length; i++) if (p[i] === ']') return i;
  return -1;
}

function parseSet(body: string): { neg: boolean; items: (string | [string, string])[] } {
  let neg = false;
  if (body.startsWith('!') || body.startsWith('^')) {
    neg = true;
    body = body.slice(1);
  }
  const items: (string | [string, string])[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (i + 2 < body.length && body[i + 1] === '-') {
      items.push([c, body[i + 2]!]);
      i += 2;
    } else items.push(c);
  }
  return { neg, items };
}

function parseGlob(pattern: string): GlobToken[] {
  const out: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (out[out.length - 1]?.t !== 'star') out.push({ t: 'star' });
    } else if (c === '?') out.push({ t: 'any' });
    else if (c === '\\' && i + 1 < pattern.length) out.push({ t: 'char', c: pattern[++i]! });
    else if (c === '[') {
      const end = setEnd(pattern, i);
      if (end < 0) out.push({ t: 'char', c });
      else {
        out.push({ t: 'set', ...parseSet(pattern.slice(i + 1, end)) });
        i = end;
      }
    } else out.push({ t: 'char', c });
  }
  return out;
}

function inSet(items: readonly (string | [string, string])[], c: string): boolean {
  for (const it of items) {
    if (typeof it === 'string' ? it === c : c >= it[0] && c <= it[1]) return true;
  }
  return false;
}

/**
 * fnmatch(3) without flags: `*` any run (including `/`), `?` one UTF-16 unit, `[abc]`, `[a-z]`,
 * `[!x]`/`[^x]`, `\x` a literal x. Case-insensitive lowercases pattern and text (a set also
 * tries the unit's upper case).
 */
export function globMatcher(pattern: string, caseInsensitive = false): (text: string) => boolean {
  const toks = parseGlob(caseInsensitive ? pattern.toLowerCase() : pattern);
  const one = (tok: GlobToken, c: string): boolean => {
    switch (tok.t) {
      case 'char':
        return tok.c === c;
      case 'any':
        return true;
      case 'set': {
        const hit = inSet(tok.items, c) || (caseInsensitive && inSet(tok.items, c.toUpperCase()));
        return hit !== tok.neg;
      }
      case 'star':
        return false;
    }
  };
  return (text) => {
    const s = caseInsensitive ? text.toLowerCase() : text;
    // iterative match with one backtrack point (the last star): O(|text| × |pattern|)
    let p = 0;
    let i = 0;
    let starP = -1;
    let starI = 0;
    while (i < s.length) {
      const tok = toks[p];
      if (tok !== undefined && tok.t === 'star') {
        starP = p++;
        starI = i;
      } else if (tok !== undefined && one(tok, s[i]!)) {
        p++;
        i++;
      } else if (starP >= 0) {
        p = starP + 1;
        i = ++starI;
      } else return false;
    }
    while (p < toks.length && toks[p]!.t === 'star') p++;
    return p === toks.length;
  };
}
