import { createHash } from 'node:crypto';

/**
 * Text-level redaction shared by the audit redactor: values are replaced by a marker that keeps
 * the first 12 hex digits of their SHA-256, so equal secrets stay comparable without being shown.
 */
export const REDACTED_PREFIX = '[REDACTED';

export function redactedMarker(value: string): string {
  return `[REDACTED sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}]`;
}

export function isRedacted(value: string): boolean {
  return value.startsWith(REDACTED_PREFIX);
}

/** Object keys whose string value is always a credential, wherever they appear (lower-cased). */
export const SENSITIVE_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'token',
  'access_token',
  'accesstoken',
  'access-token',
  'id_token',
  'idtoken',
  'id-token',
  'refresh_token',
  'refreshtoken',
  'refresh-token',
  'client-key-data',
  'password',
]);

interface TextRule {
  re: RegExp;
  /** index of the capture group holding the secret value; the rest is kept */
  group: number;
  /** extra test on the captured value, to keep prose ("Basic authentication") intact */
  accept?: (value: string) => boolean;
}

/** Credential-looking: has a digit or token punctuation, or is long. */
const tokenish = (v: string): boolean => /[0-9+/=._-]/.test(v) || v.length >= 20;

// Order matters: header lines first, so "Authorization: Bearer x" is one redaction, not two.
const RULES: TextRule[] = [
  // HTTP header lines or key=value forms: Authorization: ..., Cookie=...
  { re: /(\b(?:proxy-)?authorization"?[ \t]*[:=][ \t]*"?|\b(?:set-)?cookie"?[ \t]*[:=][ \t]*"?)([^\r\n"\\]+)/gi, group: 2 },
  // Bearer / Basic credentials anywhere in text
  { re: /(\b(?:Bearer|Basic)\s+)([A-Za-z0-9\-._~+/]{8,}=*)/g, group: 2, accept: tokenish },
  // tokens in query strings: ?access_token=..., &token=...
  { re: /([?&](?:access_token|id_token|token)=)([^&#\s"]+)/gi, group: 2 },
  // kubeconfig / YAML: "token: abc", "  client-key-data: ...", "- password: x"
  {
    re: /((?:^|\n)[ \t]*(?:-[ \t]*)?(?:token|id-token|refresh-token|access-token|client-key-data|password)[ \t]*:[ \t]*)("?)([^\s"'#]+)/g,
    group: 3,
  },
  // JSON embedded in a string: "token":"abc"
  {
    re: /("(?:token|access_token|id_token|refresh_token|client-key-data|password)"\s*:\s*")((?:[^"\\]|\\.)+)/gi,
    group: 2,
  },
];

const TRIGGER = /authoriz|cookie|bearer|basic|token|password|client-key/i;

/** Redacts credentials inside free text; returns the new text and how many values were replaced. */
export function redactText(text: string): { text: string; count: number } {
  // every rule's pattern contains one of these words: most strings need no regex work at all
  if (!TRIGGER.test(text)) return { text, count: 0 };
  let count = 0;
  let out = text;
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    if (!rule.re.test(out)) continue;
    rule.re.lastIndex = 0;
    out = out.replace(rule.re, (...m: unknown[]) => {
      const groups = m.slice(1, -2) as (string | undefined)[];
      const secret = groups[rule.group - 1] ?? '';
      if (secret === '' || isRedacted(secret) || (rule.accept && !rule.accept(secret))) return m[0] as string;
      count++;
      return groups.map((g, i) => (i === rule.group - 1 ? redactedMarker(secret) : (g ?? ''))).join('');
    });
  }
  return { text: out, count };
}
