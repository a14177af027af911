import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { LogEventInput } from '../../core/index.ts';
import type { Store } from '../../store/index.ts';
import type { ApiDeps, IngestResult } from '../deps.ts';
import { createMetrics } from '../metrics.ts';
import { answerBatch } from './batch-response.ts';

function depsWith(result: IngestResult): ApiDeps {
  return {
    store: {} as Store,
    metrics: createMetrics({ defaultMetrics: false }),
    logger: pino({ level: 'silent' }),
    ingest: () => Promise.resolve(result),
    receivers: [],
    bodyLimit: 1024,
    isReady: () => true,
    queries: {} as ApiDeps['queries'],
    http: {} as ApiDeps['http'],
    tail: {} as ApiDeps['tail'],
    subscribe: () => () => undefined,
  };
}

async function answer(deps: ApiDeps, events: number, errors: { index: number; message: string }[], positions: number[], total?: number) {
  const app = Fastify();
  const inputs = Array.from({ length: events }, (_, i) => ({ ts: 0, source: 'x', message: String(i) }) as LogEventInput);
  app.post('/b', async (_req, reply) => {
    const a = await answerBatch(deps, inputs, errors, { receiver: 'generic' }, positions, total);
    return reply.status(a.status).send(a.body);
  });
  const r = await app.inject({ method: 'POST', url: '/b' });
  await app.close();
  return { status: r.statusCode, body: r.json() as Record<string, any> };
}

describe('answerBatch', () => {
  it('reports an event the store refused at its body index, merged in order with the decoder errors', async () => {
    const deps = depsWith({ accepted: 1, duplicates: 0, stored: [{ id: 'a' } as never], rejected: [{ position: 1, field: 'ts', message: 'ts is out of range' }] });
    const r = await answer(deps, 2, [{ index: 2, message: 'event must be a JSON object' }], [0, 4]);
    expect(r.status).toBe(207);
    expect(r.body).toMatchObject({ accepted: 1, rejected: 2, ids: ['a'] });
    expect(r.body.errors).toEqual([
      { index: 2, message: 'event must be a JSON object' },
      { index: 4, field: 'ts', message: 'ts is out of range' },
    ]);
  });

  it('answers 400 when the store refused every event the decoder let through', async () => {
    const deps = depsWith({ accepted: 0, duplicates: 0, stored: [], rejected: [{ position: 0, field: 'code', message: 'code is out of range' }] });
    const r = await answer(deps, 1, [], [3]);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ accepted: 0, rejected: 1, error: { code: 'BAD_EVENT', errors: [{ index: 3, field: 'code' }] } });
  });

  it('counts every rejected event but shows at most 100', async () => {
    const errors = Array.from({ length: 1000 }, (_, i) => ({ index: i + 1, message: 'event must be a JSON object' }));
    const r = await answer(depsWith({ accepted: 1, duplicates: 0, stored: [{ id: 'a' } as never], rejected: [] }), 1, errors, [0], 1_000_000);
    expect(r.status).toBe(207);
    expect(r.body.rejected).toBe(1_000_000);
    expect(r.body.errors).toHaveLength(100);
  });
});
