/**
 * The linear-time matchers against simple references (a backtracking regex on short inputs, where
 * it is still fast, and a dynamic-programming matcher), and on the patterns that froze the server.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { globMatcher, wildcardMatcher, wildcardNeedsLinearMatcher } from './wildcard.ts';

/** The matcher this module replaces, as the reference on short inputs. */
function regexReference(pattern: string): (s: string) => boolean {
  const want = pattern.toLowerCase();
  const re = new RegExp(`^${want.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`);
  return (s) => re.test(s.toLowerCase());
}

/** fnmatch by dynamic programming over (pattern position, text position): obviously right, O(n·m) memory. */
function globReference(pattern: string, text: string): boolean {
  const toks: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\' && i + 1 < pattern.length) toks.push('\\' + pattern[++i]);
    else toks.push(pattern[i]!);
  }
  const m = toks.length;
  let prev = new Array<boolean>(text.length + 1).fill(false);
  prev[0] = true;
  for (let p = 0; p < m; p++) {
    const tok = toks[p]!;
    const cur = new Array<boolean>(text.length + 1).fill(false);
    if (tok === '*') {
      let seen = false;
      for (let i = 0; i <= text.length; i++) cur[i] = seen = seen || prev[i]!;
    } else {
      for (let i = 1; i <= text.length; i++) {
        const c = text[i - 1]!;
        const ok = tok === '?' || (tok.length === 2 ? tok[1] === c : tok === c);
        cur[i] = prev[i - 1]! && ok;
      }
    }
    prev = cur;
  }
  return prev[text.length]!;
}

const alphabet = fc.constantFrom('a', 'b', 'A', '*', '.', '\n', 'é', '%');
const shortText = fc.array(fc.constantFrom('a', 'b', 'A', '.', '\n', 'é', '%', 'B'), { maxLength: 12 }).map((a) => a.join(''));
const pattern = fc.array(alphabet, { maxLength: 8 }).map((a) => a.join(''));

describe('wildcardMatcher', () => {
  it('agrees with the regex it replaces on short inputs', () => {
    fc.assert(
      fc.property(pattern, shortText, (p, t) => wildcardMatcher(p)(t) === regexReference(p)(t)),
      { seed: 1515, numRuns: 5000 },
    );
  });

  it('matches whole values, case-insensitively, newlines included', () => {
    expect(wildcardMatcher('conn*refused')('Connection\nREFUSED')).toBe(true);
    expect(wildcardMatcher('conn*refused')('connection refused!')).toBe(false);
    expect(wildcardMatcher('*')('')).toBe(true);
    expect(wildcardMatcher('a*a')('a')).toBe(false);
    expect(wildcardMatcher('ab*ba')('aba')).toBe(false);
    expect(wildcardMatcher('ab*ba')('abba')).toBe(true);
  });

  it('answers the patterns that froze the server (issue 15) at once', () => {
    // a backtracking regex takes minutes on each of these
    const line = 'I1203 10:12:01.123456 1 reflector.go:324] k8s.io/client-go/informers/factory.go:150: ' +
      'watch of *v1.Secret ended with: very short watch: the server has been asked to end this request early, retrying after backoff (attempt 3)';
    expect(line.length).toBeGreaterThan(200);
    expect(wildcardMatcher('*e*e*e*e*e*e*e*e*zq')(line)).toBe(false);
    expect(wildcardMatcher('*a*a*a*a*a*a*b')('a'.repeat(200))).toBe(false);
    expect(wildcardMatcher('*a*a*a*a*a*a*b')('a'.repeat(1_000_000))).toBe(false);
    expect(wildcardMatcher('*a*a*a*a*a*a*b')('a'.repeat(1_000_000) + 'b')).toBe(true);
  });

  it('says which patterns need more than LIKE', () => {
    expect(wildcardNeedsLinearMatcher('abc')).toBe(false);
    expect(wildcardNeedsLinearMatcher('abc*')).toBe(false);
    expect(wildcardNeedsLinearMatcher('*abc')).toBe(false);
    expect(wildcardNeedsLinearMatcher('*abc*')).toBe(false);
    expect(wildcardNeedsLinearMatcher('a*bc')).toBe(false);
    expect(wildcardNeedsLinearMatcher('*a*b')).toBe(true);
    expect(wildcardNeedsLinearMatcher('a*b*c')).toBe(true);
  });
});

describe('globMatcher', () => {
  const globPattern = fc.array(fc.constantFrom('a', 'b', '*', '?', '\\*', '/', '.'), { maxLength: 8 }).map((a) => a.join(''));
  const globText = fc.array(fc.constantFrom('a', 'b', '*', '/', '.', '?'), { maxLength: 12 }).map((a) => a.join(''));

  it('agrees with a dynamic-programming fnmatch', () => {
    fc.assert(
      fc.property(globPattern, globText, (p, t) => globMatcher(p)(t) === globReference(p, t)),
      { seed: 2024, numRuns: 5000 },
    );
  });

  it('has sets, ranges, negation and case-insensitive matching', () => {
    expect(globMatcher('/etc/[ps]*')('/etc/passwd')).toBe(true);
    expect(globMatcher('/etc/[!ps]*')('/etc/passwd')).toBe(false);
    expect(globMatcher('img-[0-9][0-9]')('img-42')).toBe(true);
    expect(globMatcher('img-[0-9]')('img-x')).toBe(false);
    expect(globMatcher('[]x]')(']')).toBe(true);
    expect(globMatcher('a[b')('a[b')).toBe(true);
    expect(globMatcher('*.EXAMPLE.com', true)('api.example.COM')).toBe(true);
    expect(globMatcher('[A-Z]*', true)('lower')).toBe(true);
    expect(globMatcher('*.EXAMPLE.com')('api.example.com')).toBe(false);
  });

  it('stays linear on pathological globs', () => {
    expect(globMatcher('*a*a*a*a*a*a*a*a*b')('a'.repeat(100_000))).toBe(false);
    expect(globMatcher('*?*?*?*?*?*?*b')('a'.repeat(100_000))).toBe(false);
  });
});
