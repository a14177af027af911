/**
 * The kube-apiserver side of shipping audit events to Argus: the kubeconfig-format file for
 * --audit-webhook-config-file and the audit flags, commented. Argus receives batches
 * (audit.k8s.io/v1 EventList) on POST /k8s-audit, Falco's path, optionally with a bearer token
 * and ?cluster=<name> to label the events.
 */
import { ArgusError } from '../core/index.ts';

export const WEBHOOK_PATH = '/k8s-audit';

export interface WebhookOptions {
  /** Argus base URL (https://argus.example:7400) or the full endpoint URL */
  url: string;
  /** CA bundle kube-apiserver uses to verify Argus's certificate */
  caFile?: string;
  /** bearer token Argus expects on /k8s-audit */
  token?: string;
  /** client certificate and key, when Argus binds clusters by certificate CN (mTLS) */
  clientCertFile?: string;
  clientKeyFile?: string;
  clusterName: string;
  /** where the files will live on the control-plane node */
  policyPath?: string;
  configPath?: string;
}

export interface WebhookConfig {
  /** the endpoint kube-apiserver will POST to */
  endpoint: string;
  /** YAML for --audit-webhook-config-file */
  kubeconfig: string;
  /** the kube-apiserver flags, one `--name=value` each */
  flags: string[];
  /** the flags with a comment each, ready to paste into a static pod manifest or a unit file */
  flagsText: string;
}

const q = (s: string): string => JSON.stringify(s);

export function webhookEndpoint(url: string, clusterName: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ArgusError('BAD_REQUEST', `--url: not a URL: ${url}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ArgusError('BAD_REQUEST', `--url: must be http(s), got ${u.protocol}`);
  if (clusterName !== '' && !/^[A-Za-z0-9._-]{1,128}$/.test(clusterName)) {
    throw new ArgusError('BAD_REQUEST', '--cluster: must be 1-128 letters, digits, dot, underscore or dash');
  }
  if (u.pathname === '' || u.pathname === '/') u.pathname = WEBHOOK_PATH;
  if (clusterName !== '') u.searchParams.set('cluster', clusterName);
  return u.toString();
}

function kubeconfig(o: WebhookOptions, endpoint: string): string {
  const lines = [
    `# kube-apiserver audit webhook configuration (kubeconfig format) for Argus, cluster ${q(o.clusterName)}.`,
    '# Pass it with --audit-webhook-config-file. It may hold a token: keep it root-owned, mode 0600.',
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: argus',
    '    cluster:',
    `      # Argus's audit endpoint; ?cluster= labels every event with the cluster name`,
    `      server: ${q(endpoint)}`,
  ];
  if (o.caFile) lines.push('      # CA that signed the Argus server certificate', `      certificate-authority: ${q(o.caFile)}`);
  else if (endpoint.startsWith('https:')) lines.push('      # no CA given: the system trust store verifies the Argus certificate');
  else lines.push('      # WARNING: plain http sends audit events (and the token) unencrypted; use https outside a lab');
  lines.push('users:', '  - name: kube-apiserver');
  const user: string[] = [];
  if (o.token) user.push('      # sent as "Authorization: Bearer <token>"', `      token: ${q(o.token)}`);
  if (o.clientCertFile) user.push('      # client certificate whose CN Argus binds to this cluster', `      client-certificate: ${q(o.clientCertFile)}`);
  if (o.clientKeyFile) user.push(`      client-key: ${q(o.clientKeyFile)}`);
  if (user.length > 0) lines.push('    user:', ...user);
  else lines.push('    user: {}');
  lines.push(
    'contexts:',
    '  - name: argus',
    '    context:',
    '      cluster: argus',
    '      user: kube-apiserver',
    'current-context: argus',
    '',
  );
  return lines.join('\n');
}

const FLAGS: Array<[string, (o: Required<Pick<WebhookOptions, 'policyPath' | 'configPath'>>) => string, string]> = [
  ['audit-policy-file', (o) => o.policyPath, 'which requests are recorded, at what level (argus policy generate)'],
  ['audit-webhook-config-file', (o) => o.configPath, 'the kubeconfig above: where to send events'],
  ['audit-webhook-mode', () => 'batch', 'buffer and send asynchronously; never block API requests on Argus'],
  ['audit-webhook-batch-max-size', () => '400', 'events per POST (the default)'],
  ['audit-webhook-batch-max-wait', () => '5s', 'send a partial batch after this long (default 30s; shorter = fresher alerts)'],
  ['audit-webhook-batch-buffer-size', () => '10000', 'events buffered while Argus is slow or down; beyond this they are dropped'],
  ['audit-webhook-batch-throttle-enable', () => 'true', 'rate-limit batches ...'],
  ['audit-webhook-batch-throttle-qps', () => '10', '... to this many per second'],
  ['audit-webhook-batch-throttle-burst', () => '15', '... with this burst'],
  ['audit-webhook-initial-backoff', () => '10s', 'wait before the first retry of a failed POST (grows on repeated failure)'],
  ['audit-webhook-truncate-enabled', () => 'true', 'split oversized batches and strip bodies of oversized events instead of failing'],
  ['audit-webhook-truncate-max-batch-size', () => '10485760', 'bytes per POST; stays under the Argus ingest body limit (12 MiB)'],
  ['audit-webhook-version', () => 'audit.k8s.io/v1', 'event API version Argus decodes'],
];

/** Kubeconfig and kube-apiserver flags that send a cluster's audit events to Argus. */
export function webhookConfig(opts: WebhookOptions): WebhookConfig {
  const endpoint = webhookEndpoint(opts.url, opts.clusterName);
  const paths = {
    policyPath: opts.policyPath ?? '/etc/kubernetes/audit/policy.yaml',
    configPath: opts.configPath ?? '/etc/kubernetes/audit/argus-webhook.yaml',
  };
  const flags = FLAGS.map(([name, value]) => `--${name}=${value(paths)}`);
  const width = Math.max(...flags.map((f) => f.length));
  const flagsText = [
    '# kube-apiserver flags (add to the static pod manifest, e.g. /etc/kubernetes/manifests/kube-apiserver.yaml,',
    '# and mount /etc/kubernetes/audit read-only into the kube-apiserver container):',
    ...flags.map((f, i) => `${f.padEnd(width)}  # ${FLAGS[i]?.[2] ?? ''}`),
    '',
  ].join('\n');
  return { endpoint, kubeconfig: kubeconfig(opts, endpoint), flags, flagsText };
}
