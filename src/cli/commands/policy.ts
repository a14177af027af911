/**
 * `argus policy ...`: the Kubernetes audit-policy toolkit (src/policy) on the command line.
 *   lint FILE [-o table|json|ndjson]                 exit 1 when anything is found
 *   simulate --policy FILE --attributes requests.json [--json]
 *   simulate --policy FILE --events audit.jsonl [--json]
 *   generate [--profile minimal|recommended|forensic]
 *   webhook-config --url URL [--ca FILE] [--token T] [--cluster NAME]
 */
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import type { Command } from 'commander';
import { ArgusError } from '../../core/index.ts';
import {
  PROFILES,
  decisionFor,
  generatePolicy,
  lintPolicy,
  loadPolicy,
  matchingRule,
  parseAttributesList,
  parsePolicy,
  parseEventsText,
  replayEvents,
  webhookConfig,
} from '../../policy/index.ts';
import type { Finding, Policy, Profile, ReplayReport } from '../../policy/index.ts';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ArgusError('BAD_REQUEST', `${what}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function out(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')).join('\n');
}

function printFindings(file: string, findings: Finding[], format: string): void {
  if (format === 'json') return out(JSON.stringify(findings, null, 2));
  if (format === 'ndjson') return out(findings.map((f) => JSON.stringify(f)).join('\n'));
  if (findings.length === 0) return out(`${file}: no problems found`);
  const rows = [['LINE', 'SEVERITY', 'CODE', 'MESSAGE'], ...findings.map((f) => [`${file}:${f.line}`, f.severity, f.code, f.message])];
  const errors = findings.filter((f) => f.severity === 'error').length;
  out(`${table(rows)}\n\n${errors} error(s), ${findings.length - errors} warning(s)`);
}

function lint(file: string, opts: { output: string }): void {
  const findings = lintPolicy(readText(file, 'policy'));
  printFindings(file, findings, opts.output);
  process.exitCode = findings.length > 0 ? 1 : 0;
}

function simulateAttributes(policy: Policy, file: string, json: boolean): void {
  let value: unknown;
  try {
    value = JSON.parse(readText(file, '--attributes'));
  } catch (e) {
    if (e instanceof ArgusError) throw e;
    throw new ArgusError('BAD_REQUEST', `--attributes: ${file} is not JSON: ${(e as Error).message}`);
  }
  const requests = parseAttributesList(value, file);
  const results = requests.map((attrs) => ({ index: matchingRule(policy, attrs), attrs }));
  if (json) return out(JSON.stringify(results.map((r) => decisionFor(policy, r.index)), null, 2));
  const rows = [['#', 'REQUEST', 'LEVEL', 'OMIT STAGES', 'OMIT MANAGED FIELDS', 'RULE']];
  results.forEach(({ index, attrs }, i) => {
    const d = decisionFor(policy, index);
    const what = attrs.resource
      ? `${attrs.user ?? '(no user)'} ${attrs.verb ?? ''} ${attrs.apiGroup ? `${attrs.apiGroup}/` : ''}${attrs.resource}${attrs.subresource ? `/${attrs.subresource}` : ''}${attrs.namespace ? ` -n ${attrs.namespace}` : ''}`
      : `${attrs.user ?? '(no user)'} ${attrs.verb ?? ''} ${attrs.path ?? ''}`;
    const rule = index < 0 ? 'none (default None)' : `rules[${index}] line ${policy.rules[index]?.line ?? '?'}`;
    rows.push([String(i), what, d.level, d.omitStages.join(',') || '-', String(d.omitManagedFields), rule]);
  });
  out(table(rows));
}

function printReplay(report: ReplayReport, json: boolean): void {
  if (json) return out(JSON.stringify(report, null, 2));
  const rows = [['RULE', 'LINE', 'LEVEL', 'MATCHED', 'KEPT', 'DROPPED(STAGE)', 'BYTES']];
  for (const r of report.rules) {
    rows.push([r.rule < 0 ? 'none' : String(r.rule), String(r.line ?? '-'), r.level, String(r.matched), String(r.kept), String(r.droppedByStage), String(r.bytes)]);
  }
  const t = report.total;
  rows.push(['total', '', '', String(t.events), String(t.kept), '', String(t.bytes)]);
  out(`${table(rows)}\n\ninput: ${t.events} events, ${t.inputBytes} bytes${t.skipped ? ` (${t.skipped} lines skipped: not audit events)` : ''}; kept ${t.kept} events, ~${t.bytes} bytes`);
}

/**
 * The policy to simulate: one that fails validation is evaluated anyway (as far as it could be
 * read), its errors printed as warnings on stderr, so operators see what a broken policy would do.
 */
function simulationPolicy(text: string, file: string): Policy {
  const r = parsePolicy(text);
  const errors = r.findings.filter((f) => f.severity === 'error');
  if (errors.length === 0 && r.policy) return r.policy;
  if (!r.draft) return loadPolicy(text, file); // not even a mapping: the usual error
  for (const f of errors) process.stderr.write(`warning: ${file}:${f.line}: ${f.message} [${f.code}]\n`);
  process.stderr.write(`warning: ${file} fails validation (${errors.length} error(s)): kube-apiserver would refuse it; simulating it anyway\n`);
  return r.draft;
}

function simulate(opts: { policy: string; attributes?: string; events?: string; json?: boolean; output?: string }): void {
  if ((opts.attributes === undefined) === (opts.events === undefined)) {
    throw new ArgusError('BAD_REQUEST', 'simulate: give exactly one of --attributes FILE or --events FILE');
  }
  const policy = simulationPolicy(readText(opts.policy, '--policy'), opts.policy);
  const json = opts.json === true || opts.output === 'json';
  if (opts.attributes !== undefined) return simulateAttributes(policy, opts.attributes, json);
  const events = parseEventsText(readText(opts.events ?? '', '--events'));
  printReplay(replayEvents(policy, events), json);
}

function webhook(opts: { url: string; ca?: string; token?: string; cluster: string; clientCert?: string; clientKey?: string; policyPath?: string; configPath?: string; output: string }): void {
  const cfg = webhookConfig({
    url: opts.url,
    caFile: opts.ca,
    token: opts.token,
    clusterName: opts.cluster,
    clientCertFile: opts.clientCert,
    clientKeyFile: opts.clientKey,
    policyPath: opts.policyPath,
    configPath: opts.configPath,
  });
  if (opts.output === 'json') return out(JSON.stringify(cfg, null, 2));
  // the flags go out as YAML comments, so the whole output stays a valid webhook kubeconfig
  out(`${cfg.kubeconfig}\n${cfg.flagsText.split('\n').filter((l) => l !== '').map((l) => (l.startsWith('#') ? l : `#   ${l}`)).join('\n')}`);
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('Kubernetes audit policy toolkit: lint, simulate, generate, webhook config');

  policy
    .command('lint')
    .description('validate an audit.k8s.io/v1 Policy and warn about what it will (not) record; exit 1 when anything is found')
    .argument('<file>', 'policy YAML')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'ndjson']).default('table'))
    .action((file: string, opts: { output: string }) => lint(file, opts));

  policy
    .command('simulate')
    .description('run requests (--attributes) or captured audit events (--events) through a policy, as kube-apiserver would')
    .requiredOption('--policy <file>', 'policy YAML')
    .option('--attributes <file>', 'JSON array of request attributes {user, groups, verb, namespace, apiGroup, resource, subresource, name, path, resourceRequest}')
    .option('--events <file>', 'audit events as JSON lines (or an EventList): volume kept per rule')
    .option('--json', 'print JSON')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']))
    .action((opts: { policy: string; attributes?: string; events?: string; json?: boolean; output?: string }) => simulate(opts));

  policy
    .command('generate')
    .description('print a commented audit policy covering OWASP K8s Top Ten K05 significant events')
    .addOption(new Option('--profile <profile>', 'how much detail').choices([...PROFILES]).default('recommended'))
    .action((opts: { profile: Profile }) => out(generatePolicy(opts.profile)));

  policy
    .command('webhook-config')
    .description('print the --audit-webhook-config-file kubeconfig and kube-apiserver flags that send audit events to Argus')
    .requiredOption('--url <url>', 'Argus URL, e.g. https://argus.example:7400 (the path defaults to /k8s-audit)')
    .option('--ca <file>', 'CA bundle to verify the Argus certificate')
    .option('--token <token>', 'bearer token Argus expects')
    .option('--cluster <name>', 'cluster name sent as ?cluster=', '')
    .option('--client-cert <file>', 'client certificate (mTLS)')
    .option('--client-key <file>', 'client key (mTLS)')
    .option('--policy-path <path>', 'policy file path on the control-plane node')
    .option('--config-path <path>', 'webhook config path on the control-plane node')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .action((opts: Parameters<typeof webhook>[0]) => webhook(opts));
}
