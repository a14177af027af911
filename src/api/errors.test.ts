import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ArgusError } from '../core/index.ts';
import { makeErrorHandler } from './errors.ts';
import { createMetrics } from './metrics.ts';

describe('error handler', () => {
  it('answers OVERLOADED with 503 and Retry-After, and bad input with its 4xx', async () => {
    const app = Fastify();
    app.setErrorHandler(makeErrorHandler(createMetrics()));
    app.get('/busy', () => {
      throw new ArgusError('OVERLOADED', 'The store has 9 events waiting; retry later');
    });
    app.get('/bad', () => {
      throw new ArgusError('BAD_EVENT', 'event 0: ts must be a number', { index: 0, field: 'ts' });
    });
    const busy = await app.inject({ url: '/busy' });
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json()).toMatchObject({ error: { code: 'OVERLOADED' } });
    const bad = await app.inject({ url: '/bad' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['retry-after']).toBeUndefined();
    expect(bad.json()).toMatchObject({ error: { code: 'BAD_EVENT', field: 'ts' } });
    await app.close();
  });
});
