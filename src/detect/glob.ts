/**
 * fnmatch(3) without flags (what libsinsp's `glob` uses): `*` matches any run (including `/`),
 * `?` one character, `[abc]`, `[a-z]`, `[!x]`/`[^x]` a set, `\x` a literal x.
 * And libsinsp's `pmatch`: path-prefix match where each pattern component may be a glob.
 */
import { globMatcher } from '../core/index.ts';

/** fnmatch(3) without flags, in linear time (src/core/wildcard.ts; never a backtracking regex). */
export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  return globMatcher(pattern, caseInsensitive)(value);
}

const GLOB_CHARS = /[?*[]/;

function components(path: string): string[] {
  return path.split('/').filter((c) => c.length > 0);
}

/** pmatch: true when `value` is one of the paths or below one (components may be globs). */
export function makePathMatcher(paths: readonly string[]): (value: string) => boolean {
  const pats = paths.map((p) =>
    components(p).map((c) => (GLOB_CHARS.test(c) ? globMatcher(c) : c)),
  );
  return (value: string) => {
    const comps = components(value);
    outer: for (const pat of pats) {
      if (pat.length > comps.length) continue;
      for (let i = 0; i < pat.length; i++) {
        const pc = pat[i]!;
        const vc = comps[i]!;
        if (typeof pc === 'string' ? pc !== vc : !pc(vc)) continue outer;
      }
      return true;
    }
    return false;
  };
}
