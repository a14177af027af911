import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.ts';
import { parseCondition } from './parser.ts';
import { SourceText } from './source-text.ts';

const parse = (s: string) => parseCondition(SourceText.plain(s, 'c.yaml'));

/** A compact rendering of the tree: and/or/not with their children, checks as text. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return `${e.kind}(${e.children.map(show).join(', ')})`;
    case 'not':
      return `not(${show(e.child)})`;
    case 'ident':
      return e.name;
    case 'const':
      return String(e.value);
    case 'unary':
      return `${e.left.kind === 'field' ? e.left.name + (e.left.arg !== undefined ? `[${e.left.arg}]` : '') : 'T'} exists`;
    case 'binary': {
      const l = e.left.kind === 'field' ? e.left.name + (e.left.arg !== undefined ? `[${e.left.arg}]` : '') : `${e.left.fn}(..)`;
      const r = e.right;
      const rs = r.kind === 'value' ? r.value : r.kind === 'list' ? `(${r.items.map((i) => i.value).join('|')})` : 'field';
      return `${l} ${e.op}${e.mod ? ` ${e.mod}` : ''} ${rs}`;
    }
  }
}

describe('condition parser', () => {
  it('not binds tighter than and, and tighter than or', () => {
    expect(show(parse('a or b and not c'))).toBe('or(a, and(b, not(c)))');
    expect(show(parse('not a and b or c'))).toBe('or(and(not(a), b), c)');
    expect(show(parse('(a or b) and c'))).toBe('and(or(a, b), c)');
    expect(show(parse('not not a'))).toBe('a');
    expect(show(parse('not(a or b)'))).toBe('not(or(a, b))');
    expect(show(parse('a and(b or c)'))).toBe('and(a, or(b, c))');
  });

  it('parses every operator', () => {
    for (const op of ['<', '<=', '>', '>=']) expect(show(parse(`ka.response.code ${op} 400`))).toBe(`ka.response.code ${op} 400`);
    expect(() => parse('ka.verb < x')).toThrow(/expected a number value/);
    const ops = ['=', '!=', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex', 'bcontains', 'bstartswith'];
    for (const op of ops) expect(show(parse(`ka.verb ${op} x`))).toBe(`ka.verb ${op} x`);
    expect(show(parse('ka.verb==x'))).toBe('ka.verb = x');
    expect(show(parse('ka.verb in (a, b, "c d")'))).toBe('ka.verb in (a|b|c d)');
    expect(show(parse('ka.verb intersects (a)'))).toBe('ka.verb intersects (a)');
    expect(show(parse('ka.uri pmatch (/a, /b/*)'))).toBe('ka.uri pmatch (/a|/b/*)');
    expect(show(parse('ka.target.subresource exists'))).toBe('ka.target.subresource exists');
    expect(show(parse('ka.verb in ()'))).toBe('ka.verb in ()');
    expect(show(parse('ka.verb startswith anyof (a, b)'))).toBe('ka.verb startswith anyof (a|b)');
  });

  it('reads field arguments, quoted strings and escapes', () => {
    expect(show(parse('ka.uri.param[command] = ls'))).toBe('ka.uri.param[command] = ls');
    expect(show(parse('jevt.value[/annotations/authorization.k8s.io~1decision] exists'))).toBe(
      'jevt.value[/annotations/authorization.k8s.io~1decision] exists',
    );
    expect(show(parse('ka.req.pod.containers.image[0] = nginx'))).toBe('ka.req.pod.containers.image[0] = nginx');
    expect(show(parse(`ka.verb = "a \\"b\\" c"`))).toBe('ka.verb = a "b" c');
    expect(show(parse(`ka.verb = 'it\\'s'`))).toBe("ka.verb = it's");
    expect(show(parse('ka.verb = ""'))).toBe('ka.verb = ');
  });

  it('treats a bare LogEvent column followed by an operator as a field, else as a macro', () => {
    expect(show(parse('user = bob and namespace'))).toBe('and(user = bob, namespace)');
    expect(show(parse('code >= 500'))).toBe('code >= 500');
  });

  it('reports syntax errors with file:line:column', () => {
    expect(() => parse('ka.verb = x and')).toThrow(/c\.yaml:1:16: expected blank or '\(' after 'and'/);
    expect(() => parse('ka.verb = x and ')).toThrow(/c\.yaml:1:17: expected a '\(' token, a field check, or an identifier/);
    expect(() => parse('ka.verb === x')).toThrow(/BAD_RULE|c\.yaml:1:/);
    expect(() => parse('(a or b')).toThrow(/c\.yaml:1:8: expected a '\)' token/);
    expect(() => parse('ka.verb nope x')).toThrow(/c\.yaml:1:9: expected a valid check operator/);
    expect(() => parse('a b')).toThrow(/unexpected token/);
    expect(() => parse('')).toThrow(/condition is empty/);
  });
});
