import type { LogEvent, LogEventInput } from './log-event.ts';
import { newId } from './ids.ts';
import { severityText } from './severity.ts';

/**
 * Completes an input into a stored LogEvent: id, receivedAt, defaults. The input object is
 * completed in place and returned (decoders hand over fresh objects; no copy on the hot path).
 */
export function finalizeEvent(input: LogEventInput, receivedAt: number): LogEvent {
  const ev = input as LogEvent;
  ev.id ??= newId(receivedAt);
  ev.receivedAt ??= receivedAt;
  ev.severityNumber ??= 0;
  ev.message ??= '';
  ev.attrs ??= {};
  if (ev.severityText === undefined && ev.severityNumber > 0) ev.severityText = severityText(ev.severityNumber);
  return ev;
}
