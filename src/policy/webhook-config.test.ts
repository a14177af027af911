import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { webhookConfig, webhookEndpoint } from './webhook-config.ts';

describe('webhookConfig', () => {
  it('writes a kubeconfig with server, CA and bearer token', () => {
    const c = webhookConfig({ url: 'https://argus.example:7400', caFile: '/etc/ca.pem', token: 't0k', clusterName: 'prod-1' });
    expect(c.endpoint).toBe('https://argus.example:7400/k8s-audit?cluster=prod-1');
    const kc = parse(c.kubeconfig) as Record<string, any>;
    expect(kc.kind).toBe('Config');
    expect(kc.clusters[0].cluster).toEqual({ server: c.endpoint, 'certificate-authority': '/etc/ca.pem' });
    expect(kc.users[0].user).toEqual({ token: 't0k' });
    expect(kc['current-context']).toBe('argus');
    expect(kc.contexts[0].context).toEqual({ cluster: 'argus', user: 'kube-apiserver' });
  });
  it('lists the kube-apiserver flags', () => {
    const c = webhookConfig({ url: 'https://a.example/', clusterName: 'c' });
    for (const f of ['--audit-policy-file=', '--audit-webhook-config-file=', '--audit-webhook-mode=batch', '--audit-webhook-batch-max-size=', '--audit-webhook-batch-max-wait=', '--audit-webhook-initial-backoff=']) {
      expect(c.flags.some((x) => x.startsWith(f))).toBe(true);
    }
    expect(c.flagsText).toContain('# ');
    expect((parse(c.kubeconfig) as Record<string, any>).users[0].user).toEqual({});
  });
  it('keeps an explicit path, supports mTLS, rejects bad input', () => {
    expect(webhookEndpoint('http://10.0.0.5:7400/k8s-audit', '')).toBe('http://10.0.0.5:7400/k8s-audit');
    const kc = parse(webhookConfig({ url: 'https://a', clusterName: 'x', clientCertFile: '/c.pem', clientKeyFile: '/k.pem' }).kubeconfig) as Record<string, any>;
    expect(kc.users[0].user).toEqual({ 'client-certificate': '/c.pem', 'client-key': '/k.pem' });
    expect(() => webhookEndpoint('not a url', 'x')).toThrow(/not a URL/);
    expect(() => webhookEndpoint('ftp://a', 'x')).toThrow(/http/);
    expect(() => webhookEndpoint('https://a', 'bad name!')).toThrow(/cluster/);
  });
});
