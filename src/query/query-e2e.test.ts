/** Query text -> plan -> DuckDB SQL -> rows, over generated audit-like events. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../core/index.ts';
import { renderDuckDb } from '../store/sql/duckdb-render.ts';
import { openTestDb } from '../store/sql/duckdb-test-db.ts';
import type { TestDb } from '../store/sql/duckdb-test-db.ts';
import { parseQuery } from './index.ts';

const T0 = Date.UTC(2026, 0, 15, 10);
const USERS = ['alice', 'bob', 'system:serviceaccount:kube-system:default', 'carol'];
const VERBS = ['create', 'update', 'get', 'delete'];
const EVENTS: LogEvent[] = Array.from({ length: 40 }, (_, i) => ({
  id: `e${String(i).padStart(3, '0')}`,
  ts: T0 + i * 15_000,
  receivedAt: T0 + i * 15_000,
  source: 'k8s_audit',
  severityNumber: 9,
  namespace: i % 2 === 0 ? 'payments' : 'web',
  user: USERS[i % 4]!,
  verb: VERBS[Math.floor(i / 4) % 4]!,
  code: i % 5 === 0 ? 403 : 200,
  groups: i % 3 === 0 ? ['dev', 'system:authenticated'] : ['system:authenticated'],
  message: i % 3 === 0 ? 'dial tcp: connection refused' : 'ok',
  attrs: { objectRef: { name: `obj-${i % 3}` } },
}));

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb(EVENTS, 'tail');
});
afterAll(() => db.close());

async function run(q: string, opts: { from?: number; to?: number; limit?: number } = {}) {
  const r = renderDuckDb(parseQuery(q), { relation: 'tail', limit: 1000, ...opts });
  return { kind: r.kind, columns: r.columns, rows: await db.rows(r) };
}

describe('query language end to end', () => {
  it('runs the example query', async () => {
    const r = await run('namespace:payments AND verb:(create OR update) AND NOT user:system:* AND "connection refused" | stats count() by user | sort -count | head 10');
    expect(r.columns).toEqual(['user', 'count']);
    // payments = even i; create/update = i in 0..7 (+16..23, 32..39); refused = i%3==0; not the service account (i%4==2)
    expect(r.rows).toEqual([['alice', 2]]); // i = 0, 36 (6 and 18 are the service account)
  });
  it('timechart with auto span over the range', async () => {
    const r = await run('| timechart count', { from: T0, to: T0 + 600_000 });
    expect(r.columns).toEqual(['time', 'count']);
    expect(r.rows[0]).toEqual([T0, 1]);
    expect(r.rows).toHaveLength(40);
  });
  it('timechart span=5m by verb', async () => {
    const r = await run('verb:get | timechart span=5m count() by verb');
    expect(r.rows).toEqual([[T0, 'get', 4], [T0 + 300_000, 'get', 4]]);
  });
  it('stats by groups and an attrs path, where on the result', async () => {
    const r = await run('| stats count by attrs.objectRef.name | where count>13 | sort -count');
    expect(r.rows).toEqual([['obj-0', 14]]);
  });
  it('fields after sort/head keeps the order', async () => {
    const r = await run('code:403 | sort -ts | head 3 | fields ts, user, attrs.objectRef.name');
    expect(r.columns).toEqual(['ts', 'user', 'attrs.objectRef.name']);
    expect(r.rows.map((row) => row[0])).toEqual([T0 + 35 * 15_000, T0 + 30 * 15_000, T0 + 25 * 15_000]);
  });
  it('where in events mode and plain events with limit', async () => {
    const r = await run('groups:dev | where code:403 | head 2');
    expect(r.kind).toBe('events');
    expect(r.rows).toHaveLength(2);
  });
  it('dc/min/max/avg/sum', async () => {
    const r = await run('| stats dc(user) as users, min(code), max(code), avg(code), sum(code) by ns | sort ns');
    expect(r.columns).toEqual(['namespace', 'users', 'min(code)', 'max(code)', 'avg(code)', 'sum(code)']);
    expect(r.rows[0]).toEqual(['payments', 2, 200, 403, 240.6, 4812]);
  });
});
