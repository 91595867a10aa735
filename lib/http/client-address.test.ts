import { describe, expect, it } from 'vitest';
import { invalidProxyEntry, parseTrustedProxies, resolveClientAddress, splitProxyList } from './client-address';

const trusted = (list: string) => parseTrustedProxies(splitProxyList(list));

describe('resolveClientAddress', () => {
  const cases: { name: string; peer: string | null; xff?: string; realIp?: string; proxies: string; want: string | null }[] = [
    { name: 'no peer known: no address, whatever the headers say', peer: null, xff: '203.0.113.9', proxies: '', want: null },
    { name: 'spoofed X-Forwarded-For from an untrusted peer is ignored', peer: '198.51.100.4', xff: '203.0.113.9', proxies: '', want: '198.51.100.4' },
    { name: 'spoofed X-Real-IP from an untrusted peer is ignored', peer: '198.51.100.4', realIp: '203.0.113.9', proxies: '10.0.0.1', want: '198.51.100.4' },
    { name: 'untrusted peer although proxies are configured', peer: '198.51.100.4', xff: '10.0.0.1', proxies: '10.0.0.0/8', want: '198.51.100.4' },
    { name: 'trusted peer: the address it appended is the client', peer: '10.0.0.1', xff: '203.0.113.9', proxies: '10.0.0.1', want: '203.0.113.9' },
    { name: 'trusted peer: entries the client wrote (left) are not believed', peer: '10.0.0.1', xff: '1.1.1.1, 2.2.2.2, 203.0.113.9', proxies: '10.0.0.1', want: '203.0.113.9' },
    { name: 'trusted chain walked from the right past trusted hops (CIDR)', peer: '10.0.0.1', xff: '1.1.1.1, 203.0.113.9, 10.2.3.4, 10.9.9.9', proxies: '10.0.0.0/8', want: '203.0.113.9' },
    { name: 'trusted peer without X-Forwarded-For: X-Real-IP', peer: '10.0.0.1', realIp: '203.0.113.9', proxies: '10.0.0.1', want: '203.0.113.9' },
    { name: 'trusted peer with no forwarded header is the client', peer: '10.0.0.1', proxies: '10.0.0.1', want: '10.0.0.1' },
    { name: 'garbage hop ends the walk at the last trusted hop', peer: '10.0.0.1', xff: '203.0.113.9, not-an-ip', proxies: '10.0.0.1', want: '10.0.0.1' },
    { name: 'every hop trusted: the leftmost', peer: '10.0.0.1', xff: '10.0.0.3, 10.0.0.2', proxies: '10.0.0.0/24', want: '10.0.0.3' },
    { name: 'IPv4-mapped IPv6 peer is its IPv4 address', peer: '::ffff:127.0.0.1', xff: '203.0.113.9', proxies: '127.0.0.1', want: '203.0.113.9' },
    { name: 'IPv4-mapped untrusted peer', peer: '::ffff:198.51.100.4', xff: '203.0.113.9', proxies: '', want: '198.51.100.4' },
    { name: 'IPv6 peer in an IPv6 CIDR, IPv6 client', peer: 'fd00::5', xff: '2001:db8::1, fd00::7', proxies: 'fd00::/8', want: '2001:db8::1' },
    { name: 'IPv6 loopback peer not trusted', peer: '::1', xff: '2001:db8::1', proxies: '127.0.0.1', want: '::1' },
    { name: 'bracketed IPv6 hop', peer: '::1', xff: '[2001:db8::2]', proxies: '::1', want: '2001:db8::2' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(resolveClientAddress({ peer: c.peer, forwardedFor: c.xff, realIp: c.realIp, trusted: trusted(c.proxies) })).toBe(c.want);
    });
  }
});

describe('TRUSTED_PROXIES entries', () => {
  it.each([
    ['10.0.0.1', null],
    ['10.0.0.0/8', null],
    ['fd00::/8', null],
    ['::1', null],
    ['10.0.0.0/33', 'prefix'],
    ['fd00::/129', 'prefix'],
    ['10.0.0.0/x', 'prefix'],
    ['proxy.internal', 'not an IP'],
    ['10.0.0.1/8/2', 'not an IP'],
  ])('%s', (entry, problem) => {
    const bad = invalidProxyEntry(entry);
    if (problem === null) expect(bad).toBeNull();
    else expect(bad).toContain(problem);
  });
});
