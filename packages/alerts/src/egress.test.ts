import { describe, expect, it } from 'vitest';
import { egressPolicyFromEnv, egressRefusal, urlRefusal } from './egress.ts';

const byDefault = egressPolicyFromEnv({});
const publicOnly = egressPolicyFromEnv({ PLUMB_ALERT_EGRESS: 'public' });

describe('notification egress policy', () => {
  it('refuses metadata, link-local, unspecified, multicast and reserved addresses by default', () => {
    for (const ip of ['169.254.169.254', '169.254.0.1', '100.100.100.200', '192.0.0.192', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::', 'fe80::1', 'fd00:ec2::254', 'ff02::1']) {
      expect(egressRefusal(ip, byDefault), ip).toMatch(/link-local|metadata|reserved/);
    }
  });

  it('sees through IPv4-mapped IPv6, in dotted and hex form', () => {
    for (const ip of ['::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:a9fe:a9fe']) expect(egressRefusal(ip, byDefault), ip).not.toBeNull();
    expect(egressRefusal('::ffff:10.0.0.1', publicOnly)).toMatch(/private/);
  });

  it('allows internal networks by default and refuses them when public', () => {
    for (const ip of ['10.1.2.3', '172.16.0.9', '192.168.1.1', '127.0.0.1', '::1', 'fd12::1', '100.64.0.1']) {
      expect(egressRefusal(ip, byDefault), ip).toBeNull();
      expect(egressRefusal(ip, publicOnly), ip).toMatch(/private or loopback/);
    }
    for (const ip of ['8.8.8.8', '2606:4700::1111']) expect(egressRefusal(ip, publicOnly), ip).toBeNull();
  });

  it('an allow list opens chosen addresses, even metadata-class ones; any turns the check off', () => {
    const p = egressPolicyFromEnv({ PLUMB_ALERT_EGRESS: 'public', PLUMB_ALERT_EGRESS_ALLOW: '10.2.0.0/16, 127.0.0.1' });
    expect(egressRefusal('10.2.9.9', p)).toBeNull();
    expect(egressRefusal('10.3.0.1', p)).not.toBeNull();
    expect(egressRefusal('127.0.0.1', p)).toBeNull();
    expect(egressRefusal('169.254.169.254', egressPolicyFromEnv({ PLUMB_ALERT_EGRESS: 'any' }))).toBeNull();
  });

  it('names the bad variable', () => {
    expect(() => egressPolicyFromEnv({ PLUMB_ALERT_EGRESS: 'open' })).toThrow(/PLUMB_ALERT_EGRESS: must be one of private, public, any/);
    expect(() => egressPolicyFromEnv({ PLUMB_ALERT_EGRESS_ALLOW: '10.0.0.0/33' })).toThrow(/PLUMB_ALERT_EGRESS_ALLOW: "10.0.0.0\/33"/);
    expect(() => egressPolicyFromEnv({ PLUMB_ALERT_EGRESS_ALLOW: 'example.com' })).toThrow(/PLUMB_ALERT_EGRESS_ALLOW/);
  });

  it('checks URL literals in every spelling the URL parser accepts', () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/', 'http://[fe80::1]:8080/']) {
      expect(urlRefusal(url, byDefault), url).not.toBeNull();
    }
    expect(urlRefusal('http://localhost:9093/', publicOnly)).toMatch(/private or loopback/);
    expect(urlRefusal('http://localhost:9093/', byDefault)).toBeNull();
    expect(urlRefusal('https://hooks.slack.com/services/x', publicOnly)).toBeNull();
  });
});
