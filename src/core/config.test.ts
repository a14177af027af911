import { describe, expect, it } from 'vitest';
import { parseConfig, serverBaseConfigSchema as serverConfigSchema } from './config.ts';

describe('server config: query section', () => {
  it('has documented defaults', () => {
    expect(parseConfig(serverConfigSchema, {}).query).toEqual({ timeout: '30s', maxConcurrent: 2, maxQueued: 16, maxResultBytes: 16 * 1024 * 1024 });
  });

  it('names the path of a bad or unknown key', () => {
    expect(() => parseConfig(serverConfigSchema, { query: { maxConcurrent: 0 } }, 'server config')).toThrow(/server config: query\.maxConcurrent/);
    expect(() => parseConfig(serverConfigSchema, { query: { deadline: '1s' } }, 'server config')).toThrow(/server config: query: Unrecognized key/);
  });
});
