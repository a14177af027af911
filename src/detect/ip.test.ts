import { describe, expect, it } from 'vitest';
import { cidrSet, ipClass, parseCidr, parseIp } from './ip.ts';
import { loadRuleFiles } from './ruleset.ts';
import { auditLogEvent } from './audit-fixture.ts';

describe('IP classes', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.10.1', 'private'],
    ['192.169.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['8.8.8.8', 'public'],
    ['203.0.113.9', 'public'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['fec0::1', 'public'],
    ['fd12:3456::1', 'private'],
    ['fc00::1', 'private'],
    ['2001:db8::1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::FFFF:127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['ff02::1', 'multicast'],
    ['1.2.3', 'invalid'],
    ['01.2.3.4', 'invalid'],
    ['256.1.1.1', 'invalid'],
    ['1.2.3.4.5', 'invalid'],
    ['1::2::3', 'invalid'],
    ['12345::1', 'invalid'],
    ['g::1', 'invalid'],
    ['', 'invalid'],
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (ip, cls) => {
    expect(ipClass(ip)).toBe(cls);
  });

  it('parses full, compressed and IPv4-tailed IPv6', () => {
    expect(parseIp('2001:db8:0:0:0:0:0:1')).toEqual(parseIp('2001:db8::1'));
    expect(parseIp('::ffff:192.0.2.1')).toEqual(parseIp('192.0.2.1'));
    expect(parseIp('::ffff:c000:201')).toEqual(parseIp('192.0.2.1'));
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeUndefined();
  });
});

describe('CIDR sets', () => {
  it('matches IPv4, IPv6 and IPv4-mapped addresses against prefixes', () => {
    const inside = cidrSet(['10.0.0.0/8', '192.0.2.0/25', 'fd00::/8', '198.51.100.7']);
    expect(inside('10.255.0.1')).toBe(true);
    expect(inside('11.0.0.1')).toBe(false);
    expect(inside('192.0.2.127')).toBe(true);
    expect(inside('192.0.2.128')).toBe(false);
    expect(inside('::ffff:10.9.9.9')).toBe(true);
    expect(inside('fd00:1::5')).toBe(true);
    expect(inside('fe00::5')).toBe(false);
    expect(inside('198.51.100.7')).toBe(true);
    expect(inside('198.51.100.8')).toBe(false);
    expect(inside('garbage')).toBe(false);
    expect(cidrSet(['0.0.0.0/0'])('203.0.113.1')).toBe(true);
  });

  it('rejects a bad network', () => {
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix length/);
    expect(() => parseCidr('10.0.0/8')).toThrow(/not an IP/);
    expect(() => parseCidr('::/129')).toThrow(/prefix length/);
  });
});

describe('IP operators and ip_class() in rules', () => {
  const rule = (cond: string) =>
    loadRuleFiles([{ path: 'r.yaml', text: `- rule: R\n  desc: d\n  condition: ${cond}\n  output: o\n  priority: INFO\n  source: k8s_audit\n` }]);
  const base = { kind: 'Event', auditID: 'a-1', stage: 'ResponseComplete', verb: 'get', requestURI: '/api/v1/pods' };
  const ev = (ips: string[]) => auditLogEvent({ ...base, sourceIPs: ips });

  it('in_cidr: every address inside; intersects_cidr: some address inside', () => {
    const every = rule('ka.sourceips in_cidr (10.0.0.0/8, "fd00::/8")');
    const some = rule('ka.sourceips intersects_cidr (10.0.0.0/8)');
    expect(every.evaluate(ev(['10.1.1.1', 'fd00::2']))).toHaveLength(1);
    expect(every.evaluate(ev(['10.1.1.1', '203.0.113.5']))).toHaveLength(0);
    expect(some.evaluate(ev(['203.0.113.5', '10.1.1.1']))).toHaveLength(1);
    expect(some.evaluate(ev(['203.0.113.5']))).toHaveLength(0);
    expect(some.evaluate(auditLogEvent(base))).toHaveLength(0);
  });

  it('ip_class() maps every value; a bad network is a BAD_RULE with its position', () => {
    const pub = rule('ip_class(ka.sourceips) intersects (public)');
    expect(pub.evaluate(ev(['10.0.0.1', '198.51.100.20']))).toHaveLength(1);
    expect(pub.evaluate(ev(['10.0.0.1', '::ffff:192.168.1.1', '100.64.3.3', 'fe80::1']))).toHaveLength(0);
    expect(() => rule('ka.sourceips in_cidr (10.0.0.0/40)')).toThrow(/r\.yaml:3:\d+.*prefix length/);
  });
});
