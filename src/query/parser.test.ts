import { describe, expect, it } from 'vitest';
import { isArgusError } from '../core/index.ts';
import type { Filter } from '../core/index.ts';
import { parseQuery } from './index.ts';

const f = (q: string): Filter => parseQuery(q).filter;
const col = (name: string) => ({ kind: 'column', name });
const match = (name: string, value: string, wildcard = false): Filter => ({ op: 'match', field: col(name), value, wildcard }) as Filter;

function fails(q: string, code: 'QUERY_SYNTAX' | 'QUERY_FIELD', column?: number, msg?: RegExp): string {
  try {
    parseQuery(q);
  } catch (e) {
    if (!isArgusError(e)) throw e;
    expect(e.code).toBe(code);
    if (column !== undefined) expect(e.details?.column).toBe(column);
    if (msg) expect(e.message).toMatch(msg);
    return e.message;
  }
  throw new Error(`expected ${q} to fail`);
}

describe('parseQuery: filters', () => {
  it('parses the example query', () => {
    const p = parseQuery('namespace:payments AND verb:(create OR update) AND NOT user:system:* AND "connection refused" | stats count() by user | sort -count | head 10');
    expect(p.filter).toEqual({
      op: 'and',
      args: [
        match('namespace', 'payments'),
        { op: 'in', field: col('verb'), values: ['create', 'update'] },
        { op: 'not', arg: match('user', 'system:*', true) },
        { op: 'text', value: 'connection refused', wildcard: false },
      ],
    });
    expect(p.stages).toEqual([
      { op: 'stats', aggs: [{ fn: 'count', as: 'count' }], by: [col('user')] },
      { op: 'sort', keys: [{ field: { kind: 'output', name: 'count' }, desc: true }] },
      { op: 'head', n: 10 },
    ]);
  });
  it('empty query is true', () => expect(parseQuery('  ')).toEqual({ filter: { op: 'true' }, stages: [] }));
  it('bare words and phrases search message', () => {
    expect(f('error')).toEqual({ op: 'text', value: 'error', wildcard: false });
    expect(f('"GET /api"')).toEqual({ op: 'text', value: 'GET /api', wildcard: false });
    expect(f('time*out')).toEqual({ op: 'text', value: 'time*out', wildcard: true });
    expect(f('*')).toEqual({ op: 'true' });
  });
  it('quoted phrase keeps * literal', () => expect(f('"a*b"')).toEqual({ op: 'text', value: 'a*b', wildcard: false }));
  it('values may contain : - / .', () => {
    expect(f('user:system:serviceaccount:kube-system:default')).toEqual(match('user', 'system:serviceaccount:kube-system:default'));
    expect(f('userAgent:kubectl/v1.31.0')).toEqual(match('userAgent', 'kubectl/v1.31.0'));
    expect(f('pod:api-*')).toEqual(match('pod', 'api-*', true));
  });
  it('quoted field value', () => expect(f('reason:"RBAC: allowed"')).toEqual(match('reason', 'RBAC: allowed')));
  it('= is a synonym of :', () => expect(f('verb=get')).toEqual(f('verb:get')));
  it('field:* is exists', () => expect(f('user:*')).toEqual({ op: 'exists', field: col('user') }));
  it('comparisons', () => {
    expect(f('code>=400')).toEqual({ op: 'cmp', field: col('code'), cmp: '>=', value: 400 });
    expect(f('code<500')).toEqual({ op: 'cmp', field: col('code'), cmp: '<', value: 500 });
    expect(f('code:>=400')).toEqual(f('code>=400'));
    expect(f('code:404')).toEqual(match('code', '404'));
  });
  it('!= means present and not equal', () => {
    expect(f('code!=200')).toEqual({ op: 'and', args: [{ op: 'exists', field: col('code') }, { op: 'not', arg: match('code', '200') }] });
  });
  it('ts accepts RFC3339 and epoch ms', () => {
    expect(f('ts>2026-01-15T10:00:00Z')).toEqual({ op: 'cmp', field: col('ts'), cmp: '>', value: Date.UTC(2026, 0, 15, 10) });
    expect(f('ts<=1768471200000')).toEqual({ op: 'cmp', field: col('ts'), cmp: '<=', value: 1768471200000 });
  });
  it('ts accepts now-15m', () => {
    const v = (f('ts>now-15m') as { value: number }).value;
    expect(Math.abs(v - (Date.now() - 900_000))).toBeLessThan(5000);
  });
  it('level>=warn compares the severity number; level:error the text', () => {
    expect(f('level>=warn')).toEqual({ op: 'cmp', field: col('severityNumber'), cmp: '>=', value: 13 });
    expect(f('level:error')).toEqual(match('severityText', 'error'));
  });
  it('aliases', () => {
    expect(f('ns:x')).toEqual(match('namespace', 'x'));
    expect(f('status:404')).toEqual(match('code', '404'));
    expect(f('ip:10.0.0.1')).toEqual(match('sourceIp', '10.0.0.1'));
    expect(f('name:foo')).toEqual(match('objectName', 'foo'));
    expect(f('Namespace:x')).toEqual(match('namespace', 'x'));
  });
  it('attrs paths, including quoted keys', () => {
    expect(f('attrs.objectRef.name:foo')).toEqual({ op: 'match', field: { kind: 'attr', path: ['objectRef', 'name'] }, value: 'foo', wildcard: false });
    expect(f('attrs."weird key".x:1')).toEqual({ op: 'match', field: { kind: 'attr', path: ['weird key', 'x'] }, value: '1', wildcard: false });
    expect(f('attrs.annotations."authorization.k8s.io/decision":forbid')).toEqual({ op: 'match', field: { kind: 'attr', path: ['annotations', 'authorization.k8s.io/decision'] }, value: 'forbid', wildcard: false });
    expect(f('attrs.responseStatus.code>=400')).toEqual({ op: 'cmp', field: { kind: 'attr', path: ['responseStatus', 'code'] }, cmp: '>=', value: 400 });
  });
  it('precedence: NOT > AND > OR', () => {
    expect(f('a OR b c')).toEqual({ op: 'or', args: [{ op: 'text', value: 'a', wildcard: false }, { op: 'and', args: [{ op: 'text', value: 'b', wildcard: false }, { op: 'text', value: 'c', wildcard: false }] }] });
    expect(f('NOT a AND b')).toEqual({ op: 'and', args: [{ op: 'not', arg: { op: 'text', value: 'a', wildcard: false } }, { op: 'text', value: 'b', wildcard: false }] });
    expect(f('a AND b OR c')).toEqual({ op: 'or', args: [{ op: 'and', args: [{ op: 'text', value: 'a', wildcard: false }, { op: 'text', value: 'b', wildcard: false }] }, { op: 'text', value: 'c', wildcard: false }] });
  });
  it('parentheses override precedence', () => {
    expect(f('(verb:get OR verb:list) AND ns:x')).toEqual({ op: 'and', args: [{ op: 'in', field: col('verb'), values: ['get', 'list'] }, match('namespace', 'x')] });
  });
  it('lowercase keywords and -term', () => {
    expect(f('verb:get and not user:bob')).toEqual(f('verb:get AND NOT user:bob'));
    expect(f('verb:get -user:bob')).toEqual(f('verb:get AND NOT user:bob'));
    expect(f('verb:get or verb:list')).toEqual({ op: 'in', field: col('verb'), values: ['get', 'list'] });
  });
  it('implicit AND and flattening', () => {
    expect(f('a b c')).toEqual({ op: 'and', args: ['a', 'b', 'c'].map((value) => ({ op: 'text', value, wildcard: false })) });
  });
  it('value groups with wildcards stay OR of matches', () => {
    expect(f('pod:(api-* OR web)')).toEqual({ op: 'or', args: [match('pod', 'api-*', true), match('pod', 'web')] });
    expect(f('verb:(get OR NOT list)')).toEqual({ op: 'or', args: [match('verb', 'get'), { op: 'not', arg: match('verb', 'list') }] });
  });
  it('hyphenated words are not negation', () => expect(f('kube-system')).toEqual({ op: 'text', value: 'kube-system', wildcard: false }));
  it('escaped quotes in strings', () => expect(f('"say \\"hi\\""')).toEqual({ op: 'text', value: 'say "hi"', wildcard: false }));
});

describe('parseQuery: pipes', () => {
  it('stats with several aggs, as, by several fields', () => {
    expect(parseQuery('| stats count() as n, dc(user), min(code) max(code) avg(code) sum(code) by ns, verb').stages).toEqual([{
      op: 'stats',
      aggs: [
        { fn: 'count', as: 'n' },
        { fn: 'dc', field: col('user'), as: 'dc(user)' },
        { fn: 'min', field: col('code'), as: 'min(code)' },
        { fn: 'max', field: col('code'), as: 'max(code)' },
        { fn: 'avg', field: col('code'), as: 'avg(code)' },
        { fn: 'sum', field: col('code'), as: 'sum(code)' },
      ],
      by: [col('namespace'), col('verb')],
    }]);
  });
  it('stats count without parens and stats by attrs path', () => {
    expect(parseQuery('* | stats count by attrs.objectRef.name').stages).toEqual([{ op: 'stats', aggs: [{ fn: 'count', as: 'count' }], by: [{ kind: 'attr', path: ['objectRef', 'name'] }] }]);
  });
  it('timechart with span and by', () => {
    expect(parseQuery('| timechart span=5m count() by verb').stages).toEqual([{ op: 'timechart', spanMs: 300_000, aggs: [{ fn: 'count', as: 'count' }], by: col('verb') }]);
    expect(parseQuery('| timechart count').stages).toEqual([{ op: 'timechart', spanMs: 0, aggs: [{ fn: 'count', as: 'count' }] }]);
  });
  it('sort on events fields and on stats outputs', () => {
    expect(parseQuery('| sort -ts, user').stages).toEqual([{ op: 'sort', keys: [{ field: col('ts'), desc: true }, { field: col('user'), desc: false }] }]);
    expect(parseQuery('| stats dc(user) by ns | sort -dc(user), ns').stages[1]).toEqual({ op: 'sort', keys: [{ field: { kind: 'output', name: 'dc(user)' }, desc: true }, { field: { kind: 'output', name: 'namespace' }, desc: false }] });
    expect(parseQuery('| sort code desc').stages).toEqual([{ op: 'sort', keys: [{ field: col('code'), desc: true }] }]);
  });
  it('head with and without a number', () => {
    expect(parseQuery('| head 5').stages).toEqual([{ op: 'head', n: 5 }]);
    expect(parseQuery('| head').stages).toEqual([{ op: 'head', n: 10 }]);
  });
  it('fields', () => {
    expect(parseQuery('| fields user, verb, attrs.objectRef.name').stages).toEqual([{ op: 'fields', fields: [col('user'), col('verb'), { kind: 'attr', path: ['objectRef', 'name'] }] }]);
  });
  it('where after stats uses output columns', () => {
    expect(parseQuery('| stats count by user | where count>10').stages[1]).toEqual({ op: 'where', filter: { op: 'cmp', field: { kind: 'output', name: 'count' }, cmp: '>', value: 10 } });
  });
});

describe('parseQuery: errors', () => {
  it('unexpected ) with column and caret', () => {
    const msg = fails('namespace:payments AND )', 'QUERY_SYNTAX', 24);
    expect(msg).toContain("at column 24");
    expect(msg.split('\n')[2]).toBe(`  ${' '.repeat(23)}^`);
  });
  it('unclosed parenthesis', () => fails('(verb:get OR verb:list', 'QUERY_SYNTAX', 23, /expected '\)'/));
  it('unterminated string', () => fails('user:"bob', 'QUERY_SYNTAX', 6, /unterminated/));
  it('dangling operator', () => fails('verb:get AND', 'QUERY_SYNTAX', 13, /end of query/));
  it('missing value', () => fails('verb: get', 'QUERY_SYNTAX', 6, /missing value/));
  it('unknown field with a suggestion', () => fails('namspace:x', 'QUERY_FIELD', 1, /unknown field 'namspace'.*did you mean 'namespace'/));
  it('sub-field of a column suggests attrs', () => fails('user.name:x', 'QUERY_FIELD', 1, /attrs\.user\.name/));
  it('non-numeric value on a numeric field', () => fails('code>=abc', 'QUERY_FIELD', 7, /code is numeric/));
  it('bad time', () => fails('ts>yesterday', 'QUERY_FIELD', 4, /is a time/));
  it('unknown command', () => fails('x | stat count', 'QUERY_SYNTAX', 5, /did you mean 'stats'/));
  it('unknown function', () => fails('| stats cnt(user)', 'QUERY_SYNTAX', 9, /unknown function/));
  it('bad head', () => fails('| head ten', 'QUERY_SYNTAX', 8));
  it('bad span', () => fails('| timechart span=soon count', 'QUERY_SYNTAX', 18, /span/));
  it('unknown column after stats', () => fails('| stats count by user | sort -cnt', 'QUERY_FIELD', 31, /unknown column 'cnt'/));
  it('duplicate output column', () => fails('| stats count, count', 'QUERY_SYNTAX', undefined, /duplicate/));
  it('deep nesting is bounded', () => fails('('.repeat(500) + 'a' + ')'.repeat(500), 'QUERY_SYNTAX', undefined, /nested too deeply/));
  it('a lone keyword', () => fails('OR', 'QUERY_SYNTAX', 1));
});
