/**
 * Rule test files (`<name>.tests.yaml`, beside the rule file they test): a YAML sequence of
 *
 *   - test: brute force from one address      # the case name
 *     rule: argus-k8s-auth-brute-force        # rule id (or name)
 *     expect: fire                            # fire | quiet
 *     count: 1                                # optional: exactly this many alerts of the rule
 *     start: 2025-03-12T09:00:00Z             # optional: time of the first event
 *     until: 30m                              # optional: run event time up to start + until
 *     events:
 *       - audit: {verb: get, user: alice, code: 401, ...}   # a (partial) audit.k8s.io Event
 *         at: 10s                             # offset from start (default: previous + 1s)
 *         repeat: 12                          # the same event 12 times ...
 *         every: 5s                           # ... 5s apart (default 1s)
 *       - container: {namespace: shop, pod: web-1, message: "...", severity: ERROR}
 *       - journald: {SYSLOG_IDENTIFIER: sshd, MESSAGE: "...", _HOSTNAME: worker-2}
 *
 * Tests live in sibling files so rule files stay loadable by `loadRuleFiles` (and by Falco)
 * unchanged. Bad test files are reported as errors with file:line, never thrown.
 */
import { z } from 'zod';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { parseDuration, parseTime } from '../../core/index.ts';
import { isRuleTestFile } from '../rule-dir.ts';

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return typeof v === 'number' ? v : parseDuration(v, 'duration');
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
    return z.NEVER;
  }
});

const timing = {
  at: duration.optional(),
  repeat: z.number().int().min(1).max(100_000).default(1),
  every: duration.default(1000),
};

const record = z.record(z.unknown());
const eventSpecSchema = z.union([
  z.object({ audit: record, ...timing }).strict(),
  z.object({ container: record, ...timing }).strict(),
  z.object({ journald: record, ...timing }).strict(),
  z.object({ event: record, ...timing }).strict(),
]);

const caseSchema = z
  .object({
    test: z.string().min(1),
    rule: z.string().min(1),
    expect: z.enum(['fire', 'quiet']),
    count: z.number().int().min(0).optional(),
    start: z.union([z.string(), z.date()]).optional(),
    until: duration.optional(),
    events: z.array(eventSpecSchema).min(1),
  })
  .strict();

export type EventSpec = z.infer<typeof eventSpecSchema>;

export interface RuleTestCase {
  name: string;
  rule: string;
  expect: 'fire' | 'quiet';
  count?: number;
  /** ms since epoch of the first event */
  start: number;
  /** ms since epoch the case's event time is run up to after the last event */
  until?: number;
  events: EventSpec[];
  /** "file:line" of the case */
  where: string;
}

export interface TestFileError {
  where: string;
  message: string;
}

/** 2025-01-01T00:00:00Z: a fixed default start, so cases are reproducible. */
export const DEFAULT_START = Date.UTC(2025, 0, 1);

function startOf(v: string | Date | undefined): number {
  if (v === undefined) return DEFAULT_START;
  if (v instanceof Date) return v.getTime();
  return parseTime(v, 'start', Date.now());
}

export function isTestFile(path: string): boolean {
  return isRuleTestFile(path);
}

/** Parses one test file into cases and errors (a bad case does not hide the others). */
export function parseTestFile(path: string, text: string): { cases: RuleTestCase[]; errors: TestFileError[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const cases: RuleTestCase[] = [];
  const errors: TestFileError[] = [];
  const at = (offset: number | undefined) => `${path}:${offset === undefined ? 1 : lc.linePos(offset).line}`;
  if (doc.errors.length > 0) {
    errors.push({ where: at(doc.errors[0]!.pos[0]), message: `YAML syntax error: ${doc.errors[0]!.message.split('\n')[0]}` });
    return { cases, errors };
  }
  if (doc.contents === null) return { cases, errors };
  if (!isSeq(doc.contents)) {
    errors.push({ where: at(0), message: 'a test file is a YAML sequence of `- test:` items' });
    return { cases, errors };
  }
  for (const node of doc.contents.items) {
    const where = at(isMap(node) ? node.range?.[0] : undefined);
    const r = caseSchema.safeParse((node as { toJS?: (d: unknown) => unknown }).toJS?.(doc));
    if (!r.success) {
      const issue = r.error.issues[0]!;
      errors.push({ where, message: `${issue.path.join('.') || 'item'}: ${issue.message}` });
      continue;
    }
    const c = r.data;
    try {
      const start = startOf(c.start);
      const tc: RuleTestCase = { name: c.test, rule: c.rule, expect: c.expect, start, events: c.events, where };
      if (c.count !== undefined) tc.count = c.count;
      if (c.until !== undefined) tc.until = start + c.until;
      cases.push(tc);
    } catch (e) {
      errors.push({ where, message: (e as Error).message });
    }
  }
  return { cases, errors };
}
