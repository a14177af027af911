import { isEksDocument } from './eks.ts';
import type { DetectedFormat } from './types.ts';
import { isObject } from './validate.ts';

/** Classifies a parsed JSON document by its envelope. */
export function classifyDocument(doc: unknown): DetectedFormat {
  if (Array.isArray(doc)) return 'array';
  if (!isObject(doc)) return 'unknown';
  if (doc.kind === 'EventList') return 'eventlist';
  if (doc.kind === 'Event') return 'event';
  if (Array.isArray(doc.records)) return 'aks';
  if (isEksDocument(doc)) return 'eks';
  if (isObject(doc.protoPayload) || Array.isArray(doc.entries)) return 'gke';
  if (isObject(doc.message) && typeof doc.message.data === 'string') return 'gke';
  return 'unknown';
}

/**
 * After the whole body failed to parse as one JSON document: is it NDJSON? Yes when it has at
 * least two non-blank lines and the first is not the opening brace of a pretty-printed document
 * (`{` or `[` alone). A single bad line is just invalid JSON.
 */
export function looksLikeNdjson(body: string): boolean {
  const lines = body.split('\n', 50).filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  const t = lines[0]!.trim();
  return t !== '{' && t !== '[' && (t.startsWith('{') || t.startsWith('['));
}

/** Which detected formats an explicit `format` accepts. */
export const FORMAT_ACCEPTS: Record<'eventlist' | 'eks' | 'gke' | 'aks', DetectedFormat[]> = {
  eventlist: ['eventlist', 'event', 'array'],
  eks: ['eks'],
  gke: ['gke', 'array'],
  aks: ['aks'],
};
