import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'argus-detect-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Until src/cli/main.ts registers `detect`, run it from a test-local commander program. */
const registered = readFileSync(join(root, 'src/cli/main.ts'), 'utf8').includes('registerDetectCommand');
const LOCAL = `
import { register } from 'tsx/esm/api';
register();
const { Command } = await import('commander');
const { registerDetectCommand } = await import('./src/cli/commands/detect.ts');
const p = new Command().name('argus').exitOverride();
registerDetectCommand(p);
try { await p.parseAsync(process.argv.slice(1), { from: 'user' }); } catch (e) { process.exit(e?.exitCode ? 2 : 1); }
`;

function argus(...args: string[]) {
  const argv = registered ? [join(root, 'bin/argus.js'), 'detect', ...args] : ['--input-type=module', '-e', LOCAL, 'detect', ...args];
  const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const RULES = `
- rule: Secret read burst
  desc: many secret reads by one user
  condition: ka.verb = get and ka.target.resource = secrets
  output: "%ka.user.name read many secrets"
  priority: WARNING
  source: k8s_audit
  threshold: {count: 3, window: 1m, by: [ka.user.name]}
- rule: Pod exec
  desc: exec into a pod
  condition: ka.target.subresource = exec
  output: "%ka.user.name exec into %ka.target.name"
  priority: NOTICE
  source: k8s_audit
`;

function audit(i: number, sec: number, user: string, extra: Record<string, unknown> = {}) {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${i}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/prod/secrets/s',
    verb: 'get',
    user: { username: user },
    sourceIPs: ['10.0.0.1'],
    objectRef: { resource: 'secrets', namespace: 'prod', name: `s${i}` },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, sec)).toISOString(),
    stageTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, sec)).toISOString(),
    ...extra,
  };
}

describe('argus detect (spawned CLI)', () => {
  const rules = join(dir, 'rules.yaml');
  writeFileSync(rules, RULES);

  it('audit NDJSON: prints one NDJSON alert per line, threshold and stateless', () => {
    const events = [
      audit(1, 0, 'mallory'),
      audit(2, 10, 'mallory'),
      audit(3, 5, 'alice'),
      audit(4, 20, 'mallory'),
      audit(5, 30, 'bob', { verb: 'create', requestURI: '/api/v1/namespaces/prod/pods/web/exec', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'prod', name: 'web' } }),
    ];
    const input = join(dir, 'audit.ndjson');
    writeFileSync(input, events.map((e) => JSON.stringify(e)).join('\n'));
    const r = argus('--input', input, '--rules', rules, '--no-builtin');
    expect(r.code).toBe(0);
    const alerts = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(alerts.map((a) => a['rule'])).toEqual(['Pod exec', 'Secret read burst']);
    expect(alerts[1]).toMatchObject({ severity: 13, priority: 'WARNING', title: 'mallory read many secrets', auditIds: ['id-1', 'id-2', 'id-4'], count: 3 });
    expect(alerts[1]!['firstTs']).toBe(Date.UTC(2026, 0, 1));
    expect(Object.keys(alerts[1]!).sort()).toEqual(['auditIds', 'count', 'eventIds', 'firstTs', 'labels', 'lastTs', 'priority', 'rule', 'severity', 'title']);
    expect(alerts[0]).toMatchObject({ rule: 'Pod exec', title: 'bob exec into web', count: 1, auditIds: ['id-5'] });
  });

  it('-o table: RFC 3339 times and the rules\' priorities, as the stored alerts say', () => {
    const input = join(dir, 'audit.ndjson');
    const r = argus('--input', input, '--rules', rules, '--no-builtin', '-o', 'table');
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^time\s+severity\s+count\s+rule\s+title$/);
    expect(rows.slice(2).map((l) => l.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['2026-01-01T00:00:30.000Z', 'NOTICE', '1', 'Pod exec'],
      ['2026-01-01T00:00:20.000Z', 'WARNING', '3', 'Secret read burst'],
    ]);
  });

  it('an EventList and a rules directory work too; no alerts is still exit 0', () => {
    const input = join(dir, 'list.json');
    writeFileSync(input, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [audit(1, 0, 'a'), audit(2, 1, 'b')] }));
    const r = argus('--input', input, '--rules', dir, '--no-builtin');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('plain text lines with a generic rule', () => {
    const input = join(dir, 'app.log');
    writeFileSync(input, '2026-01-01T00:00:00Z panic: boom\n2026-01-01T00:00:01Z ok\n');
    const textRules = join(dir, 'text.yml');
    writeFileSync(textRules, '- rule: Panic\n  desc: d\n  condition: message contains panic\n  output: "%message"\n  priority: ERROR\n  source: file\n');
    const r = argus('--input', input, '--rules', textRules, '--no-builtin');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rule: 'Panic', title: '2026-01-01T00:00:00Z panic: boom', firstTs: Date.UTC(2026, 0, 1) });
  });

  it('built-in rules load by default (alone or with --rules)', () => {
    const input = join(dir, 'audit.ndjson');
    for (const r of [argus('--input', input), argus('--input', input, '--rules', rules)]) {
      expect(r.code).toBe(0);
      for (const l of r.stdout.trim().split('\n').filter(Boolean)) expect(JSON.parse(l)).toHaveProperty('rule');
    }
  });

  it('bad rules: exit 2 with file:line:column', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, '- rule: r\n  desc: d\n  condition: ka.verb = = get\n  output: o\n  priority: INFO\n  source: k8s_audit\n');
    const input = join(dir, 'audit.ndjson');
    const r = argus('--input', input, '--rules', bad, '--no-builtin');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:3:\d+: /);
  });

  it('bad usage: exit 2', () => {
    expect(argus('--rules', rules).code).toBe(2);
    expect(argus('--input', join(dir, 'missing.json'), '--rules', rules).code).toBe(2);
  });
});

describe('argus detect: directories, late events, table', () => {
  it('reads a directory in event-time order; late events are counted with the flag that keeps them', () => {
    const rules = join(dir, 'rules2.yaml');
    writeFileSync(rules, RULES);
    const d = join(dir, 'in');
    mkdirSync(d, { recursive: true });
    // two files whose events interleave in time: merged, nothing is late
    writeFileSync(join(d, '1.ndjson'), [audit(11, 0, 'eve'), audit(13, 20, 'eve')].map((e) => JSON.stringify(e)).join('\n'));
    writeFileSync(join(d, '2.ndjson'), [audit(12, 10, 'eve')].map((e) => JSON.stringify(e)).join('\n'));
    const r = argus('--input', d, '--rules', rules, '--no-builtin', '-o', 'ndjson');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rule: 'Secret read burst', count: 3 });
    expect(r.stderr).toMatch(/0 late_dropped/);
    // one file whose last reads come 5 minutes behind: late for the threshold window
    const late = join(dir, 'late.ndjson');
    writeFileSync(late, [audit(21, 300, 'x'), audit(22, 0, 'eve'), audit(23, 1, 'eve'), audit(24, 2, 'eve')].map((e) => JSON.stringify(e)).join('\n'));
    const l = argus('--input', late, '--rules', rules, '--no-builtin', '-o', 'table');
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/no alerts/);
    expect(l.stderr).toMatch(/3 events came more than 1m after newer events of their source.*--allowed-lateness 6m/);
    const ok = argus('--input', late, '--rules', rules, '--no-builtin', '-o', 'table', '--allowed-lateness', '6m');
    expect(ok.stdout).toMatch(/^time\s+severity\s+count\s+rule/);
    expect(ok.stdout).toMatch(/Secret read burst/);
  });
});
