/** Stable error codes; clients and tests match on these, never on messages. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'BAD_JSON'
  | 'BAD_EVENT'
  | 'BODY_TOO_LARGE'
  | 'BAD_ENCODING'
  | 'UNSUPPORTED_ENCODING'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'QUERY_SYNTAX'
  | 'QUERY_FIELD'
  | 'BAD_CONFIG'
  | 'BAD_RULE'
  | 'STORE_CLOSED'
  | 'STORE_IO'
  | 'DATA_DIR_LOCKED'
  | 'OVERLOADED'
  | 'QUERY_TIMEOUT'
  | 'QUERY_CANCELLED'
  | 'QUERY_OVERLOADED'
  | 'INTERNAL';

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  BAD_JSON: 400,
  BAD_EVENT: 400,
  BODY_TOO_LARGE: 413,
  BAD_ENCODING: 400,
  UNSUPPORTED_ENCODING: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  QUERY_SYNTAX: 400,
  QUERY_FIELD: 400,
  BAD_CONFIG: 400,
  BAD_RULE: 400,
  STORE_CLOSED: 503,
  STORE_IO: 500,
  /** another process owns the data directory (its LOCK file), or this store lost it: it refuses writes */
  DATA_DIR_LOCKED: 503,
  OVERLOADED: 503,
  /** the query ran past its deadline and was stopped (Prometheus answers a query timeout with 503 too) */
  QUERY_TIMEOUT: 503,
  /** the client went away (or the server is stopping); nginx's 499 "client closed request" */
  QUERY_CANCELLED: 499,
  /** too many queries running and queued; retry after Retry-After */
  QUERY_OVERLOADED: 503,
  INTERNAL: 500,
};

/** The one error base of Argus: a stable `code`, an HTTP status, optional details. */
export class ArgusError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ArgusError';
    this.code = code;
    this.status = STATUS[code];
    this.details = details;
  }
}

export function isArgusError(e: unknown): e is ArgusError {
  return e instanceof ArgusError;
}

/** Outcome of an operation that can be retried, as in opentelemetry-js. */
export type Outcome<T = void> =
  | { kind: 'ok'; value: T }
  | { kind: 'retry'; error: ArgusError }
  | { kind: 'fail'; error: ArgusError };
