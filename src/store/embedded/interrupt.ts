/**
 * Ties a query's AbortSignal to its DuckDB connection: on abort the running statement is
 * interrupted (`duckdb_interrupt`), and again every 100 ms until the query lets go of the
 * connection, since an interrupt that lands between two statements (or before a dispatched
 * statement has started) is a no-op. The caller checks the signal between statements.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

const REPEAT_MS = 100;

/** Registers the interrupt; call the returned function before closing the connection. */
export function interruptOnAbort(con: DuckDBConnection, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    con.interrupt();
    timer ??= setInterval(() => con.interrupt(), REPEAT_MS);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => {
    signal.removeEventListener('abort', onAbort);
    if (timer) clearInterval(timer);
  };
}
