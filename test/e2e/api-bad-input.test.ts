/** Bad input gets a clear 4xx naming the problem, a counter, and the server keeps serving. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { metricValue, startTestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ bodyLimit: 64 * 1024 });
});
afterAll(async () => t.close());

async function post(body: string, contentType = 'application/json') {
  const r = await t.app.http.inject({ method: 'POST', url: '/api/v1/events', payload: body, headers: { 'content-type': contentType } });
  return { status: r.statusCode, body: r.json() as Record<string, any> };
}

describe('ingest and query API with bad input', () => {
  it('stores a good batch and answers 200 with ids', async () => {
    const r = await post(JSON.stringify([{ message: 'hello world', source: 'app', namespace: 'payments' }]));
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(1);
    expect(r.body.ids).toHaveLength(1);
  });

  it('rejects malformed JSON with 400 BAD_JSON', async () => {
    const before = await metricValue(t.app, 'argus_events_rejected_total');
    const r = await post('[{"message": "x"');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_JSON');
    expect(r.body.error.message).toMatch(/not valid JSON/);
    expect(await metricValue(t.app, 'argus_events_rejected_total')).toBeGreaterThan(before);
  });

  it('reports a wrong type by index and field, keeping the good neighbours (207)', async () => {
    const r = await post(JSON.stringify([{ message: 'good-a' }, { message: 'bad', code: 'x' }, { message: 'good-b' }]));
    expect(r.status).toBe(207);
    expect(r.body.accepted).toBe(2);
    expect(r.body.errors).toEqual([{ index: 1, field: 'code', message: expect.stringContaining('code') }]);
    const q = await t.app.http.inject({ method: 'GET', url: `/api/v1/query?q=${encodeURIComponent('"good-"')}` });
    expect((q.json() as { events: unknown[] }).events).toHaveLength(2);
  });

  it('answers 400 when every event is bad', async () => {
    const r = await post(JSON.stringify([{ ts: 'never' }]));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_EVENT');
    expect(r.body.error.message).toContain('ts');
  });

  it('rejects an oversize body with 413 naming the limit', async () => {
    const before = await metricValue(t.app, 'argus_events_rejected_total', { reason: 'BODY_TOO_LARGE' });
    const big = JSON.stringify([{ message: 'x'.repeat(70 * 1024) }]);
    const r = await post(big);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('BODY_TOO_LARGE');
    expect(r.body.error.message).toContain(String(64 * 1024));
    expect(await metricValue(t.app, 'argus_events_rejected_total', { reason: 'BODY_TOO_LARGE' })).toBe(before + 1);
  });

  it('rejects an unknown query field with 400 naming it', async () => {
    const r = await t.app.http.inject({ method: 'GET', url: `/api/v1/query?q=${encodeURIComponent('usr:alice')}` });
    expect(r.statusCode).toBe(400);
    const body = r.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('QUERY_FIELD');
    expect(body.error.message).toContain('usr');
  });

  it('rejects a query syntax error with the column', async () => {
    const r = await t.app.http.inject({ method: 'GET', url: `/api/v1/query?q=${encodeURIComponent('verb:get AND (user:bob')}` });
    expect(r.statusCode).toBe(400);
    const body = r.json() as { error: { code: string; message: string; column: number } };
    expect(body.error.code).toBe('QUERY_SYNTAX');
    expect(body.error.column).toBeGreaterThan(0);
  });

  it('rejects a bad time range naming the parameter', async () => {
    const r = await t.app.http.inject({ method: 'GET', url: '/api/v1/query?q=&from=yesterday' });
    expect(r.statusCode).toBe(400);
    expect((r.json() as { error: { message: string } }).error.message).toMatch(/^from:/);
  });

  it('keeps serving after all of that', async () => {
    const r = await post('{"message":"still alive"}\n', 'application/x-ndjson');
    expect(r.status).toBe(200);
    const h = await t.app.http.inject({ method: 'GET', url: '/healthz' });
    expect(h.statusCode).toBe(200);
    const m = await t.app.http.inject({ method: 'GET', url: '/metrics' });
    expect(m.body).toContain('argus_events_ingested_total');
    expect(m.body).toContain('argus_query_duration_seconds_bucket');
  });

  it('answers 400 naming a query parameter given twice (it was a 500)', async () => {
    for (const url of ['/api/v1/query?q=&q=verb%3Aget', '/api/v1/alerts?q=a&q=b', '/api/v1/tail?q=a&q=b', '/api/v1/query?q=x&from=now-1h&from=now-2h']) {
      const r = await t.app.http.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(400);
      const body = r.json() as { error: { code: string; message: string; field: string } };
      expect(body.error.code).toBe('BAD_REQUEST');
      expect(body.error.message).toMatch(/given 2 times/);
      expect(['q', 'from']).toContain(body.error.field);
    }
  });
});
