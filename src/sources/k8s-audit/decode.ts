import { collectAks } from './aks.ts';
import { Collector, parseJson } from './collect.ts';
import { classifyDocument, FORMAT_ACCEPTS, looksLikeNdjson } from './detect-format.ts';
import { collectEks } from './eks.ts';
import { collectArray, collectEventList, collectNdjson, collectRecord } from './eventlist.ts';
import { collectGke } from './gke.ts';
import type { DecodeContext, DecodeResult } from './types.ts';

/**
 * Decodes an HTTP body (or file content) holding Kubernetes audit events in any supported
 * shape into LogEventInputs. Never throws on bad data: each unusable record is an error at its
 * index and its neighbours are kept. See docs/audit-mapping.md for shapes and indexes.
 */
export function decodeAuditPayload(body: string, ctx: DecodeContext): DecodeResult {
  const c = new Collector(ctx);
  const format = ctx.format ?? 'auto';
  if (body.trim() === '') {
    c.error(0, 'empty body');
    return c.result;
  }
  if (format === 'ndjson') {
    c.format = 'ndjson';
    collectNdjson(c, body);
    return c.result;
  }
  const p = parseJson(body);
  if (!p.ok) {
    if ((format === 'auto' || format === 'gke' || format === 'eventlist') && looksLikeNdjson(body)) {
      c.format = 'ndjson';
      collectNdjson(c, body);
    } else c.error(0, p.message);
    return c.result;
  }
  const detected = classifyDocument(p.value);
  c.format = detected;
  if (format !== 'auto' && !FORMAT_ACCEPTS[format].includes(detected)) {
    c.error(0, `body does not match format "${format}" (looks like ${detected})`);
    return c.result;
  }
  const doc = p.value;
  switch (detected) {
    case 'eventlist':
      collectEventList(c, doc as Record<string, unknown>);
      break;
    case 'event':
      collectRecord(c, doc, 0);
      break;
    case 'array':
      collectArray(c, doc as unknown[]);
      break;
    case 'aks':
      collectAks(c, doc);
      break;
    case 'eks':
      collectEks(c, doc);
      break;
    case 'gke':
      collectGke(c, doc);
      break;
    default:
      collectRecord(c, doc, 0); // reports NOT_AUDIT with the field
  }
  return c.result;
}
