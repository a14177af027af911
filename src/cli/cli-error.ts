/**
 * What the CLI prints when a command fails: ONE sentence on stderr (`argus: ...`) and the exit
 * code of DESIGN.md (0 ok, 1 problem found, 2 bad usage or config). Never a stack trace: an
 * unexpected error names itself and how to see its stack (ARGUS_LOG_LEVEL=debug).
 */
import { isArgusError } from '../core/index.ts';

/** A failure the CLI itself detected, with its exit code. */
export class CliError extends Error {
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

const USAGE_CODES = new Set(['BAD_CONFIG', 'BAD_REQUEST', 'BAD_RULE', 'QUERY_SYNTAX', 'QUERY_FIELD', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND']);

/** Node's system error codes a user can act on, as words. */
const SYSTEM: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on the device',
  EMFILE: 'too many open files',
  EADDRINUSE: 'the address is already in use (is another `argus server` running? pick another with --listen)',
  EADDRNOTAVAIL: 'the address is not on this machine (check --listen)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'host not found',
  ETIMEDOUT: 'timed out',
};

/** The words for a system error code, or undefined when it is not one we know. */
export function systemErrorText(code: string | undefined): string | undefined {
  return code === undefined ? undefined : SYSTEM[code];
}

export function describeFailure(e: unknown): { message: string; exitCode: 1 | 2 } {
  if (e instanceof CliError) return { message: e.message || 'failed', exitCode: e.exitCode };
  if (isArgusError(e)) return { message: e.message || `failed (${e.code})`, exitCode: USAGE_CODES.has(e.code) ? 2 : 1 };
  const err = e as NodeJS.ErrnoException | undefined;
  const words = systemErrorText(err?.code);
  if (words !== undefined) {
    const where = err?.path ?? (err as { address?: string; port?: number } | undefined)?.address;
    const port = (err as { port?: number } | undefined)?.port;
    const target = where === undefined ? '' : `${where}${port !== undefined ? `:${port}` : ''}: `;
    const usage = ['ENOENT', 'EISDIR', 'ENOTDIR', 'EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES'].includes(err!.code!);
    return { message: `${err!.syscall ? `cannot ${err!.syscall} ` : ''}${target}${words}`, exitCode: usage ? 2 : 1 };
  }
  const text = e instanceof Error ? e.message : String(e);
  const name = e instanceof Error ? e.name : typeof e;
  return { message: `unexpected error (${name}): ${text || 'no message'} (ARGUS_LOG_LEVEL=debug prints its stack)`, exitCode: 1 };
}
