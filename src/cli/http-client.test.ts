import { describe, expect, it } from 'vitest';
import type { CliError } from './cli-error.ts';
import { serverUrl } from './http-client.ts';

describe('serverUrl', () => {
  it('adds http:// when the scheme is missing and drops trailing slashes', () => {
    expect(serverUrl('127.0.0.1:7400', {})).toBe('http://127.0.0.1:7400');
    expect(serverUrl('http://127.0.0.1:7400/', {})).toBe('http://127.0.0.1:7400');
    expect(serverUrl('https://argus.example//', {})).toBe('https://argus.example');
    expect(serverUrl('argus.example:8443/argus/', {})).toBe('http://argus.example:8443/argus');
    expect(serverUrl(' [::1]:7400 ', {})).toBe('http://[::1]:7400');
  });

  it('falls back to ARGUS_SERVER, then to the local default', () => {
    expect(serverUrl(undefined, { ARGUS_SERVER: '10.0.0.5:7400/' })).toBe('http://10.0.0.5:7400');
    expect(serverUrl('127.0.0.1:1', { ARGUS_SERVER: '10.0.0.5:7400' })).toBe('http://127.0.0.1:1');
    expect(serverUrl(undefined, {})).toBe('http://127.0.0.1:7400');
    expect(serverUrl(undefined, { ARGUS_SERVER: '' })).toBe('http://127.0.0.1:7400');
  });

  it('refuses what is not an http address as bad usage, naming where it came from', () => {
    const bad = (flag: string | undefined, env: NodeJS.ProcessEnv): CliError => {
      try {
        serverUrl(flag, env);
      } catch (e) {
        return e as CliError;
      }
      throw new Error('accepted');
    };
    expect(bad('http://[::1', {})).toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--server: "http:\/\/\[::1" is not a server address/) });
    expect(bad(undefined, { ARGUS_SERVER: 'ftp://x' })).toMatchObject({ exitCode: 2, message: expect.stringMatching(/^ARGUS_SERVER: "ftp:\/\/x" is not an http/) });
    expect(bad('127.0.0.1:7400/?q=1', {}).exitCode).toBe(2);
  });
});
