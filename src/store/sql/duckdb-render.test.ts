import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isArgusError } from '../../core/index.ts';
import type { Filter, LogEvent, QueryPlan, Stage } from '../../core/index.ts';
import { renderDuckDb } from './duckdb-render.ts';
import { openTestDb } from './duckdb-test-db.ts';
import type { TestDb } from './duckdb-test-db.ts';

const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
function ev(i: number, over: Partial<LogEvent>): LogEvent {
  return { id: `e${String(i).padStart(2, '0')}`, ts: T0 + i * 1000, receivedAt: T0 + i * 1000 + 5, source: 'k8s_audit', severityNumber: 9, message: '', attrs: {}, ...over };
}
const EVENTS: LogEvent[] = [
  ev(1, { namespace: 'payments', verb: 'create', user: 'alice', code: 201, groups: ['dev', 'system:authenticated'], message: 'Connection refused by upstream', attrs: { objectRef: { name: 'pay-1' }, 'weird key': { x: 'y' } } }),
  ev(2, { namespace: 'payments', verb: 'update', user: 'system:serviceaccount:kube-system:default', code: 200, message: 'ok', attrs: { objectRef: { name: 'pay-2' }, sourceIPs: ['10.0.0.1', '10.0.0.2'] } }),
  ev(3, { namespace: 'kube-system', verb: 'get', user: 'bob', code: 404, message: 'not found: 100% sure', attrs: { responseStatus: { code: 404 } } }),
  ev(4, { namespace: 'payments', verb: 'delete', user: 'alice', code: 403, message: "it's a_b \\ path", attrs: { responseStatus: { code: 403 } } }),
  ev(5, { namespace: 'web', verb: 'create', user: 'carol', code: 500, severityNumber: 17, severityText: 'ERROR', message: 'connection REFUSED again', attrs: { objectRef: { name: 'web-1' } } }),
  ev(6, { namespace: 'web', verb: 'get', message: 'no user', attrs: {} }),
];

const m = (name: 'namespace' | 'verb' | 'user' | 'groups' | 'message' | 'code', value: string, wildcard = false): Filter => ({ op: 'match', field: { kind: 'column', name }, value, wildcard });
const plan = (filter: Filter, stages: Stage[] = []): QueryPlan => ({ filter, stages });

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb(EVENTS, 'tail');
});
afterAll(() => db.close());

async function ids(p: QueryPlan, opts: { from?: number; to?: number; limit?: number } = {}): Promise<string[]> {
  return db.ids(renderDuckDb(p, { relation: 'tail', limit: 100, ...opts }));
}

describe('renderDuckDb: filters', () => {
  it('plain search returns all columns newest first', async () => {
    const r = renderDuckDb(plan({ op: 'true' }), { relation: 'tail', limit: 100 });
    expect(r.kind).toBe('events');
    expect(r.sql).toContain('ORDER BY "ts" DESC, "id" DESC LIMIT ?');
    expect(await db.ids(r)).toEqual(['e06', 'e05', 'e04', 'e03', 'e02', 'e01']);
  });
  it('matches case-insensitively, with wildcards', async () => {
    expect(await ids(plan(m('namespace', 'PAYMENTS')))).toEqual(['e04', 'e02', 'e01']);
    expect(await ids(plan(m('user', 'system:*', true)))).toEqual(['e02']);
    expect(await ids(plan(m('namespace', 'pay*', true)))).toEqual(['e04', 'e02', 'e01']);
  });
  it('groups matches when any element matches', async () => {
    expect(await ids(plan(m('groups', 'DEV')))).toEqual(['e01']);
    expect(await ids(plan({ op: 'not', arg: m('groups', 'dev') }))).toEqual(['e06', 'e05', 'e04', 'e03', 'e02']);
  });
  it('compares numeric columns numerically', async () => {
    expect(await ids(plan({ op: 'cmp', field: { kind: 'column', name: 'code' }, cmp: '>=', value: 400 }))).toEqual(['e05', 'e04', 'e03']);
    expect(await ids(plan(m('code', '404')))).toEqual(['e03']);
    expect(await ids(plan(m('code', '4*', true)))).toEqual(['e04', 'e03']);
    expect(await ids(plan({ op: 'in', field: { kind: 'column', name: 'code' }, values: ['200', '201'] }))).toEqual(['e02', 'e01']);
  });
  it('rejects a non-numeric value on a numeric column', () => {
    expect(() => renderDuckDb(plan(m('code', 'abc')), { relation: 'tail', limit: 1 })).toThrow(/code is numeric/);
  });
  it('reads attrs paths, including quoted keys and arrays', async () => {
    expect(await ids(plan({ op: 'match', field: { kind: 'attr', path: ['objectRef', 'name'] }, value: 'pay-*', wildcard: true }))).toEqual(['e02', 'e01']);
    expect(await ids(plan({ op: 'match', field: { kind: 'attr', path: ['weird key', 'x'] }, value: 'Y', wildcard: false }))).toEqual(['e01']);
    expect(await ids(plan({ op: 'match', field: { kind: 'attr', path: ['sourceIPs'] }, value: '10.0.0.2', wildcard: false }))).toEqual(['e02']);
    expect(await ids(plan({ op: 'cmp', field: { kind: 'attr', path: ['responseStatus', 'code'] }, cmp: '>', value: 403 }))).toEqual(['e03']);
    expect(await ids(plan({ op: 'exists', field: { kind: 'attr', path: ['objectRef'] } }))).toEqual(['e05', 'e02', 'e01']);
  });
  it('text search is a substring of message; NOT includes events without the field', async () => {
    expect(await ids(plan({ op: 'text', value: 'connection refused', wildcard: false }))).toEqual(['e05', 'e01']);
    expect(await ids(plan({ op: 'text', value: 'conn*again', wildcard: true }))).toEqual(['e05']);
    expect(await ids(plan({ op: 'not', arg: m('user', 'alice') }))).toEqual(['e06', 'e05', 'e03', 'e02']);
    expect(await ids(plan({ op: 'exists', field: { kind: 'column', name: 'user' } }))).toHaveLength(5);
  });
  it('applies the time range as ts >= from AND ts < to', async () => {
    expect(await ids(plan({ op: 'true' }), { from: T0 + 2000, to: T0 + 4000 })).toEqual(['e03', 'e02']);
    expect(await ids(plan({ op: 'true' }), { limit: 2 })).toEqual(['e06', 'e05']);
  });
});

describe('renderDuckDb: injection', () => {
  const nasty = ["'; DROP TABLE tail; --", '%', '_', '\\', '"', "a'b", '100%', 'a_b', '\\ path', "') OR 1=1 --", '*x*', '$.."'];
  it('binds every value; LIKE metacharacters are literal', async () => {
    for (const v of nasty) {
      for (const f of [m('user', v), m('message', v, true), { op: 'text', value: v, wildcard: false } as Filter, { op: 'match', field: { kind: 'attr', path: [v, v] }, value: v, wildcard: true } as Filter]) {
        const r = renderDuckDb(plan(f), { relation: 'tail', limit: 100 });
        expect(r.sql).not.toContain(v.length > 2 ? v : '\u0000');
        await db.rows(r);
      }
    }
    expect(await ids(plan({ op: 'text', value: '100%', wildcard: false }))).toEqual(['e03']);
    expect(await ids(plan({ op: 'text', value: '%', wildcard: false }))).toEqual(['e03']);
    expect(await ids(plan({ op: 'text', value: 'a_b', wildcard: false }))).toEqual(['e04']);
    expect(await ids(plan({ op: 'text', value: '_', wildcard: false }))).toEqual(['e04']);
    expect(await ids(plan({ op: 'text', value: "'s a_b \\ p", wildcard: false }))).toEqual(['e04']);
    expect(await ids(plan({ op: 'true' }))).toHaveLength(6); // the table is still there
  });
  it('rejects the attrs key * (a JSON path wildcard in DuckDB)', () => {
    expect(() => renderDuckDb(plan({ op: 'exists', field: { kind: 'attr', path: ['*'] } }), { relation: 'tail', limit: 1 })).toThrow(/not supported/);
  });
  it('output names never reach the SQL', () => {
    const r = renderDuckDb(plan({ op: 'true' }, [{ op: 'stats', aggs: [{ fn: 'count', as: '"; DROP TABLE tail; --' }], by: [] }]), { relation: 'tail', limit: 5 });
    expect(r.sql).not.toContain('DROP');
    expect(r.columns).toEqual(['"; DROP TABLE tail; --']);
  });
});

describe('renderDuckDb: pipeline', () => {
  const col = (name: 'namespace' | 'user' | 'verb' | 'code' | 'ts') => ({ kind: 'column' as const, name });
  const out = (name: string) => ({ kind: 'output' as const, name });
  const run = (p: QueryPlan, limit = 100) => {
    const r = renderDuckDb(p, { relation: 'tail', limit });
    return db.rows(r).then((rows) => ({ columns: r.columns, rows, kind: r.kind }));
  };
  it('stats count by field, sorted, head', async () => {
    const r = await run(plan({ op: 'true' }, [
      { op: 'stats', aggs: [{ fn: 'count', as: 'count' }, { fn: 'dc', field: col('user'), as: 'dc(user)' }], by: [col('namespace')] },
      { op: 'sort', keys: [{ field: out('count'), desc: true }, { field: out('namespace'), desc: false }] },
      { op: 'head', n: 2 },
    ]));
    expect(r.kind).toBe('table');
    expect(r.columns).toEqual(['namespace', 'count', 'dc(user)']);
    expect(r.rows).toEqual([['payments', 3, 2], ['web', 2, 1]]);
  });
  it('stats without by, min/max/avg/sum and attrs', async () => {
    const r = await run(plan({ op: 'true' }, [{ op: 'stats', by: [], aggs: [
      { fn: 'min', field: col('code'), as: 'lo' }, { fn: 'max', field: col('code'), as: 'hi' }, { fn: 'avg', field: { kind: 'attr', path: ['responseStatus', 'code'] }, as: 'a' }, { fn: 'sum', field: col('code'), as: 's' },
    ] }]));
    expect(r.rows).toEqual([[200, 500, 403.5, 1708]]);
  });
  it('stats by an attrs path; where after stats', async () => {
    const r = await run(plan({ op: 'true' }, [
      { op: 'stats', aggs: [{ fn: 'count', as: 'n' }], by: [{ kind: 'attr', path: ['objectRef', 'name'] }] },
      { op: 'where', filter: { op: 'exists', field: out('attrs.objectRef.name') } },
    ]));
    expect(r.columns).toEqual(['attrs.objectRef.name', 'n']);
    expect(r.rows).toEqual([['pay-1', 1], ['pay-2', 1], ['web-1', 1]]);
    const w = await run(plan({ op: 'true' }, [
      { op: 'stats', aggs: [{ fn: 'count', as: 'count' }], by: [col('verb')] },
      { op: 'where', filter: { op: 'cmp', field: out('count'), cmp: '>', value: 1 } },
      { op: 'sort', keys: [{ field: out('verb'), desc: true }] },
    ]));
    expect(w.rows).toEqual([['get', 2], ['create', 2]]);
  });
  it('timechart buckets ts by span, ordered by time', async () => {
    const r = await run(plan({ op: 'true' }, [{ op: 'timechart', spanMs: 2000, aggs: [{ fn: 'count', as: 'count' }], by: col('namespace') }]));
    expect(r.columns).toEqual(['time', 'namespace', 'count']);
    expect(r.rows).toEqual([
      [T0, 'payments', 1],
      [T0 + 2000, 'kube-system', 1],
      [T0 + 2000, 'payments', 1],
      [T0 + 4000, 'payments', 1],
      [T0 + 4000, 'web', 1],
      [T0 + 6000, 'web', 1],
    ]);
  });
  it('fields projects a table; sort/head on events', async () => {
    const r = await run(plan(m('namespace', 'payments'), [
      { op: 'sort', keys: [{ field: col('user'), desc: false }] },
      { op: 'head', n: 2 },
      { op: 'fields', fields: [col('user'), col('verb'), { kind: 'attr', path: ['objectRef', 'name'] }] },
    ]));
    expect(r.columns).toEqual(['user', 'verb', 'attrs.objectRef.name']);
    expect(r.rows).toEqual([['alice', 'delete', null], ['alice', 'create', 'pay-1']]);
  });
  it('head before stats aggregates only the first rows', async () => {
    const r = await run(plan({ op: 'true' }, [{ op: 'head', n: 2 }, { op: 'stats', aggs: [{ fn: 'count', as: 'count' }], by: [] }]));
    expect(r.rows).toEqual([[2]]);
  });
  it('stats after fields, and fields after stats keep the order', async () => {
    const r = await run(plan({ op: 'true' }, [
      { op: 'stats', aggs: [{ fn: 'count', as: 'count' }], by: [col('verb')] },
      { op: 'sort', keys: [{ field: out('count'), desc: true }, { field: out('verb'), desc: false }] },
      { op: 'fields', fields: [out('verb')] },
    ]));
    expect(r.rows).toEqual([['create'], ['get'], ['delete'], ['update']]);
  });
  it('caps table results at the limit', async () => {
    const r = await run(plan({ op: 'true' }, [{ op: 'stats', aggs: [{ fn: 'count', as: 'c' }], by: [col('verb')] }]), 2);
    expect(r.rows).toHaveLength(2);
  });
  it('unknown output column is QUERY_FIELD', () => {
    try {
      renderDuckDb(plan({ op: 'true' }, [{ op: 'stats', aggs: [{ fn: 'count', as: 'c' }], by: [] }, { op: 'sort', keys: [{ field: out('nope'), desc: false }] }]), { relation: 'tail', limit: 1 });
      expect.unreachable();
    } catch (e) {
      expect(isArgusError(e) && e.code).toBe('QUERY_FIELD');
    }
  });
});
