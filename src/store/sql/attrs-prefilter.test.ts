/** The attrs text prefilter must not change results: differential test against a direct JS evaluation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Filter, LogEvent } from '../../core/index.ts';
import { caseFreePattern } from './duckdb-filter.ts';
import { renderDuckDb } from './duckdb-render.ts';
import { openTestDb } from './duckdb-test-db.ts';
import type { TestDb } from './duckdb-test-db.ts';

const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
const NAMES: unknown[] = [
  'db-credentials', 'DB-Credentials', 'db-credentials-2', 'x db-credentials', 'a.b', 'aXb', 'user@example.com', 'https://h/p',
  'kube-system', '\u212Aube-system', '\u0130d', 'id', 404, '404', 4040, true, null, ['db-credentials', 'other'], ['x', 404], [],
  { name: 'db-credentials' }, 'team 1', 'TEAM 1', '',
];
const EVENTS: LogEvent[] = NAMES.flatMap((name, i) => [
  {
    id: `e${String(i).padStart(3, '0')}`, ts: T0 + i * 1000, receivedAt: T0, source: 'k8s_audit', severityNumber: 9, message: '',
    attrs: { objectRef: { name }, requestURI: `/api/v1/secrets/${typeof name === 'string' ? name : 'n'}` },
  },
  // the value elsewhere in the text only: passes the prefilter, must still fail the exact test
  { id: `f${String(i).padStart(3, '0')}`, ts: T0 + i * 1000 + 1, receivedAt: T0, source: 'k8s_audit', severityNumber: 9, message: '', attrs: { other: name } },
]);

/** The match semantics (case-insensitive equality with the value or any array element), in JS. */
function jsMatch(e: LogEvent, value: string): boolean {
  const v = (e.attrs as { objectRef?: { name?: unknown } }).objectRef?.name;
  const texts = Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : v === undefined || v === null ? [] : [typeof v === 'string' ? v : JSON.stringify(v)];
  return texts.some((t) => t.toLowerCase() === value.toLowerCase() || (t === '\u212Aube-system' && value.toLowerCase() === 'kube-system') || (t === '\u0130d' && value.toLowerCase() === 'id'));
}

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb(EVENTS, 'tail');
});
afterAll(() => db.close());

describe('attrs match prefilter', () => {
  const values = ['db-credentials', 'DB-CREDENTIALS', 'a.b', 'user@example.com', 'https://h/p', 'kube-system', 'id', '404', '4040', 'true', 'team 1', 'other', 'x'];
  it.each(values)('%s: same rows as the exact test, alone and under NOT', async (value) => {
    const f: Filter = { op: 'match', field: { kind: 'attr', path: ['objectRef', 'name'] }, value, wildcard: false };
    const r = renderDuckDb({ filter: f, stages: [] }, { relation: 'tail', limit: 1000 });
    expect(r.sql).toContain('regexp_matches');
    const got = (await db.ids(r)).sort();
    expect(got).toEqual(EVENTS.filter((e) => jsMatch(e, value)).map((e) => e.id).sort());
    const not = await db.ids(renderDuckDb({ filter: { op: 'not', arg: f }, stages: [] }, { relation: 'tail', limit: 1000 }));
    expect(not.length + got.length).toBe(EVENTS.length);
  });
  it('is skipped for wildcards and unsafe characters', () => {
    for (const [value, wildcard] of [['db-*', true], ['a"b', false], ['a\\b', false], ['é', false]] as const) {
      const r = renderDuckDb({ filter: { op: 'match', field: { kind: 'attr', path: ['x'] }, value, wildcard }, stages: [] }, { relation: 'tail', limit: 10 });
      expect(r.sql).not.toContain('regexp_matches');
    }
    expect(caseFreePattern('a.K1')).toBe('[aA]\\.[kK\\x{212A}]1');
  });
});
