/**
 * Sigma metadata → the Argus (Falco-shaped) rule item: name = title, id = Sigma id, desc,
 * priority from level, MITRE tags, and the DRL 1.1 attribution. The engine's rule schema has
 * no author field, so the author goes into the output text (every alert's title) and the tags.
 */
import { stringify } from 'yaml';
import type { Pipeline } from './field-map.ts';
import type { SigmaRule } from './parse.ts';

export const LEVEL_PRIORITY: Record<string, string> = {
  informational: 'INFORMATIONAL',
  low: 'NOTICE',
  medium: 'WARNING',
  high: 'ERROR',
  critical: 'CRITICAL',
};

export const DRL = 'DRL 1.1';
const DRL_URL = 'https://github.com/SigmaHQ/Detection-Rule-License';

export interface ImportedRule {
  id: string;
  /** the Argus rule name (the Sigma title) */
  name: string;
  author: string;
  level: string;
  priority: string;
  source: string;
  pipeline: string;
  condition: string;
  output: string;
  desc: string;
  tags: string[];
  references: string[];
  enabled: boolean;
  path: string;
}

/** `attack.t1609` → `T1609`, `attack.privilege-escalation` → `mitre_privilege_escalation`; others kept. */
export function mitreTag(tag: string): string {
  const t = tag.trim();
  const tech = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t);
  if (tech) return tech[1]!.toUpperCase();
  const tactic = /^attack\.([a-z][a-z-]*)$/i.exec(t);
  if (tactic) return `mitre_${tactic[1]!.toLowerCase().replace(/-/g, '_')}`;
  return t;
}

/** Literal output text: `%` would start a field reference, so it becomes the full-width ％. */
function literal(s: string): string {
  return s.replace(/%/g, '\uFF05').replace(/\s+/g, ' ').trim();
}

export function attribution(r: Pick<SigmaRule, 'id' | 'author'>): string {
  return `[Sigma rule ${r.id} by ${literal(r.author)}, ${DRL}]`;
}

export function buildRule(r: SigmaRule, p: Pipeline, condition: string, name: string, path: string): ImportedRule {
  const descParts = [r.description || r.title];
  if (r.falsepositives.length > 0) descParts.push(`False positives: ${r.falsepositives.join('; ')}`);
  if (r.references.length > 0) descParts.push(`References: ${r.references.join(' ')}`);
  descParts.push(`Sigma rule ${r.id} by ${r.author}, under the Detection Rule License 1.1 (${DRL_URL}).`);
  const tags = [
    ...new Set([
      'sigma',
      ...r.tags.map(mitreTag),
      `sigma.id:${r.id}`,
      `sigma.author:${r.author.replace(/\s+/g, ' ')}`,
      'sigma.license:DRL-1.1',
    ]),
  ];
  return {
    id: r.id,
    name,
    author: r.author,
    level: r.level,
    priority: LEVEL_PRIORITY[r.level] ?? 'WARNING',
    source: p.source,
    pipeline: p.name,
    condition,
    output: `${literal(r.title)} (${p.output}) ${attribution(r)}`,
    desc: descParts.join('\n'),
    tags,
    references: r.references,
    enabled: r.status !== 'deprecated' && r.status !== 'unsupported',
    path,
  };
}

function comment(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

/** The rule as an Argus rule file (a YAML sequence with one rule item), with an attribution header. */
export function ruleFileText(rule: ImportedRule): string {
  const item: Record<string, unknown> = {
    rule: rule.name,
    id: rule.id,
    desc: rule.desc,
    condition: rule.condition,
    output: rule.output,
    priority: rule.priority,
    source: rule.source,
    tags: rule.tags,
  };
  if (!rule.enabled) item.enabled = false;
  const head = [
    `# Imported from Sigma rule ${rule.id} (${comment(rule.path)}), logsource ${rule.pipeline}`,
    `# Author: ${comment(rule.author)}. Detection Rule License 1.1 (${DRL_URL}); rule set https://github.com/SigmaHQ/sigma`,
  ];
  return `${head.join('\n')}\n${stringify([item], { lineWidth: 0 })}`;
}
