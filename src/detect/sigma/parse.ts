/**
 * Sigma rule YAML → a checked SigmaRule (metadata, logsource, detection tree). Correlation
 * rules, multi-document rule collections and filters are refused with a reason.
 */
import { parseAllDocuments } from 'yaml';
import { conditionOf } from './condition.ts';
import type { LogSource } from './field-map.ts';
import { detectionCond } from './modifiers.ts';
import type { Cond, Result } from './types.ts';
import { fail, ok } from './types.ts';

export interface SigmaRule {
  id: string;
  title: string;
  description: string;
  status?: string;
  author: string;
  references: string[];
  tags: string[];
  level: string;
  falsepositives: string[];
  logsource: LogSource;
  detection: Cond;
}

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];

function strList(v: unknown, key: string): Result<string[]> {
  if (v === undefined || v === null) return ok([]);
  if (!Array.isArray(v) || v.some((x) => typeof x === 'object' && x !== null)) return fail(`'${key}' must be a list of strings`);
  return ok(v.map(String));
}

export function parseSigmaRule(yamlText: string): Result<SigmaRule> {
  const docs = parseAllDocuments(yamlText);
  const list = Array.isArray(docs) ? docs : [];
  if (list.length !== 1) return fail(`expected one YAML document, found ${list.length} (rule collections are not supported)`);
  const doc = list[0]!;
  if (doc.errors.length > 0) return fail(`YAML syntax error: ${doc.errors[0]!.message.split('\n')[0]}`);
  const r = doc.toJS() as unknown;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return fail('a Sigma rule must be a YAML map');
  const o = r as Record<string, unknown>;
  if ('correlation' in o) return fail('Sigma correlation rules are not supported (use an Argus threshold/sequence rule)');
  if ('filter' in o && !('detection' in o)) return fail('Sigma filter rules are not supported');
  if (o.action !== undefined) return fail(`'action: ${String(o.action)}' rule collections are not supported`);
  if (typeof o.title !== 'string' || o.title.trim() === '') return fail("missing 'title'");
  if (typeof o.id !== 'string' || o.id.trim() === '') return fail("missing 'id' (needed to identify the rule and its alerts)");
  if (typeof o.author !== 'string' || o.author.trim() === '') return fail("missing 'author' (DRL 1.1 requires the author to be kept)");
  const level = o.level === undefined ? 'medium' : String(o.level).toLowerCase();
  if (!LEVELS.includes(level)) return fail(`unknown level '${String(o.level)}'`);
  const ls = o.logsource;
  if (typeof ls !== 'object' || ls === null || Array.isArray(ls)) return fail("missing 'logsource'");
  const logsource: LogSource = {};
  for (const k of ['product', 'service', 'category'] as const) {
    const v = (ls as Record<string, unknown>)[k];
    if (v !== undefined && v !== null) logsource[k] = String(v).toLowerCase();
  }
  const det = o.detection;
  if (typeof det !== 'object' || det === null || Array.isArray(det)) return fail("missing 'detection'");
  const defs = new Map<string, Cond>();
  for (const [name, def] of Object.entries(det as Record<string, unknown>)) {
    if (name === 'condition' || name === 'timeframe') continue;
    const c = detectionCond(name, def);
    if (!c.ok) return c;
    defs.set(name, c.value);
  }
  if ('timeframe' in det) return fail("'timeframe' in detection is not supported (use an Argus threshold rule)");
  const cond = conditionOf((det as Record<string, unknown>).condition, defs);
  if (!cond.ok) return cond;
  const refs = strList(o.references, 'references');
  const tags = strList(o.tags, 'tags');
  const fps = strList(o.falsepositives, 'falsepositives');
  if (!refs.ok) return refs;
  if (!tags.ok) return tags;
  if (!fps.ok) return fps;
  return ok({
    id: o.id.trim(),
    title: o.title.trim(),
    description: typeof o.description === 'string' ? o.description.trim() : '',
    ...(typeof o.status === 'string' ? { status: o.status } : {}),
    author: o.author.trim(),
    references: refs.value,
    tags: tags.value,
    level,
    falsepositives: fps.value,
    logsource,
    detection: cond.value,
  });
}
