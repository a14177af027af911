import { describe, expect, it } from 'vitest';
import { httpConfigSchema } from '../core/config.ts';
import { httpTimeouts } from './connection-limit.ts';

describe('httpTimeouts', () => {
  it('checks timeouts at a quarter of the shortest one, between 50 ms and 1 s', () => {
    const d = httpTimeouts(httpConfigSchema.parse({}));
    expect(d).toEqual({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 72_000, connectionsCheckingInterval: 1000 });
    expect(httpTimeouts(httpConfigSchema.parse({ requestTimeout: '500ms', headersTimeout: '400ms' })).connectionsCheckingInterval).toBe(100);
    expect(httpTimeouts(httpConfigSchema.parse({ requestTimeout: '100ms', headersTimeout: '100ms' })).connectionsCheckingInterval).toBe(50);
  });

  it('refuses a duration that does not parse', () => {
    expect(httpConfigSchema.safeParse({ requestTimeout: 'soon' }).success).toBe(false);
  });
});
