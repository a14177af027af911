import type { LogEvent, LogEventInput } from './log-event.ts';
import { newId } from './ids.ts';
import { severityText } from './severity.ts';

/** Completes an input into a stored LogEvent: id, receivedAt, defaults. Pure apart from the id clock. */
export function finalizeEvent(input: LogEventInput, receivedAt: number): LogEvent {
  const severityNumber = input.severityNumber ?? 0;
  const ev: LogEvent = {
    ...input,
    id: input.id ?? newId(receivedAt),
    receivedAt: input.receivedAt ?? receivedAt,
    severityNumber,
    message: input.message ?? '',
    attrs: input.attrs ?? {},
  };
  if (ev.severityText === undefined && severityNumber > 0) ev.severityText = severityText(severityNumber);
  return ev;
}
