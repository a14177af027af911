/**
 * fnmatch(3) without flags (what libsinsp's `glob` uses): `*` matches any run (including `/`),
 * `?` one character, `[abc]`, `[a-z]`, `[!x]`/`[^x]` a set, `\x` a literal x.
 * And libsinsp's `pmatch`: path-prefix match where each pattern component may be a glob.
 */

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

export function globToRegExp(pattern: string, caseInsensitive = false): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '[') {
      const end = bracketEnd(pattern, i);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      let neg = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        neg = true;
        body = body.slice(1);
      }
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'i' : '');
}

function bracketEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '!' || p[i] === '^') i++;
  if (p[i] === ']') i++;
  for (; i < p.length; i++) if (p[i] === ']') return i;
  return -1;
}

export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  return globToRegExp(pattern, caseInsensitive).test(value);
}

const GLOB_CHARS = /[?*[]/;

function components(path: string): string[] {
  return path.split('/').filter((c) => c.length > 0);
}

/** pmatch: true when `value` is one of the paths or below one (components may be globs). */
export function makePathMatcher(paths: readonly string[]): (value: string) => boolean {
  const pats = paths.map((p) =>
    components(p).map((c) => (GLOB_CHARS.test(c) ? globToRegExp(c) : c)),
  );
  return (value: string) => {
    const comps = components(value);
    outer: for (const pat of pats) {
      if (pat.length > comps.length) continue;
      for (let i = 0; i < pat.length; i++) {
        const pc = pat[i]!;
        const vc = comps[i]!;
        if (typeof pc === 'string' ? pc !== vc : !pc.test(vc)) continue outer;
      }
      return true;
    }
    return false;
  };
}
