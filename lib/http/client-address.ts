import { BlockList, isIP } from 'node:net';

/**
 * Pure address logic behind request-meta.ts: parsing TRUSTED_PROXIES, normalising addresses, and finding the
 * client in an X-Forwarded-For chain. Kept free of Next.js so the rules are tested on their own.
 */

export type TrustedProxies = { list: BlockList; entries: string[] };

/** `::ffff:203.0.113.7` (an IPv4 peer on a dual-stack socket) is the IPv4 address; brackets and zones go. */
export function normalizeAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let a = raw.trim();
  if (a.startsWith('[') && a.includes(']')) a = a.slice(1, a.indexOf(']'));
  const zone = a.indexOf('%');
  if (zone > 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
  if (mapped) a = mapped[1];
  const family = isIP(a);
  if (family === 4) return a;
  if (family === 6) return a.toLowerCase();
  return null;
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 4 ? 'ipv4' : 'ipv6';
}

/** One entry of TRUSTED_PROXIES: an address or a CIDR range. Returns why it is invalid, or null. */
export function invalidProxyEntry(entry: string): string | null {
  const [addr, prefix, ...rest] = entry.split('/');
  const a = normalizeAddress(addr);
  if (!a || rest.length) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix === undefined) return null;
  const max = isIP(a) === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `"${entry}" has an invalid prefix length (0–${max})`;
  return null;
}

export function splitProxyList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseTrustedProxies(entries: string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const bad = invalidProxyEntry(entry);
    if (bad) throw new Error(bad);
    const [addr, prefix] = entry.split('/');
    const a = normalizeAddress(addr)!;
    if (prefix === undefined) list.addAddress(a, familyOf(a));
    else list.addSubnet(a, Number(prefix), familyOf(a));
  }
  return { list, entries };
}

export function isTrusted(address: string, trusted: TrustedProxies | null) {
  return !!trusted?.entries.length && trusted.list.check(address, familyOf(address));
}

/**
 * The client address of one request.
 * - `peer` is the address of the direct TCP peer (null when unknown).
 * - Forwarded headers are read only when that peer is a trusted proxy. Then X-Forwarded-For is walked from the
 *   right (the entries the trusted proxies appended themselves) past trusted hops; the first untrusted entry is the
 *   client. Entries left of it were written by the client and are never believed. An unparsable entry ends the
 *   walk at the last trusted hop. Without X-Forwarded-For, X-Real-IP (single value) is used.
 * - A peer that is not a trusted proxy is the client itself, whatever its headers say.
 */
export function resolveClientAddress(input: {
  peer: string | null;
  forwardedFor?: string | null;
  realIp?: string | null;
  trusted: TrustedProxies | null;
}): string | null {
  const peer = normalizeAddress(input.peer);
  if (!peer) return null;
  if (!isTrusted(peer, input.trusted)) return peer;
  const hops = (input.forwardedFor ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!hops.length) {
    const real = normalizeAddress(input.realIp);
    return real ?? peer;
  }
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i]);
    if (!hop) return client;
    client = hop;
    if (!isTrusted(hop, input.trusted)) return hop;
  }
  // Every hop is a trusted proxy: the leftmost one is the furthest address known.
  return client;
}
