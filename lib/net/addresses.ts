import ipaddr from 'ipaddr.js';

/**
 * Which IP addresses an outbound call may reach. ipaddr.js (a small, maintained library that Express's proxy-addr
 * also uses) knows the IANA special-purpose ranges by name and parses every IPv4/IPv6 spelling; we allow only the
 * ranges it calls plain `unicast` and refuse everything else: loopback, RFC 1918 private, link-local (cloud
 * metadata 169.254.169.254), CGNAT 100.64/10 (Alibaba's metadata 100.100.100.200), 0.0.0.0/8, multicast,
 * broadcast, reserved and documentation ranges (Oracle's metadata 192.0.0.192), IPv6 unique-local fc00::/7
 * (AWS's fd00:ec2::254), link-local fe80::/10, 6to4 and Teredo. An IPv4-mapped IPv6 address (::ffff:127.0.0.1)
 * is judged as the IPv4 address it carries.
 */
export type AddressVerdict = { public: true; address: string } | { public: false; address: string; range: string };

export function classifyAddress(ip: string): AddressVerdict {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(bare)) return { public: false, address: ip, range: 'invalid' };
  let addr = ipaddr.parse(bare);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  const range = addr.range();
  const address = addr.toString();
  return range === 'unicast' ? { public: true, address } : { public: false, address, range };
}

/** A host name or IP literal in one spelling: lower case, no brackets, IPs in ipaddr.js's canonical form. */
export function normalizeHost(host: string) {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return ipaddr.isValid(h) ? ipaddr.process(h).toString() : h;
}

/** True when `host` (as written in the URL, after WHATWG normalisation) is on the operator's allow-list. */
export function isAllowedHost(host: string, allowed: readonly string[]) {
  const h = normalizeHost(host);
  return allowed.some((a) => normalizeHost(a) === h);
}

/** What a person reads when a target is refused; names the address, never a port or a connection result. */
export function refusalMessage(address: string) {
  return `address ${address} is private/loopback; allow it with OUTBOUND_ALLOWED_HOSTS`;
}
