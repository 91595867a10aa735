import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { env } from '@/lib/env';
import {
  isTrusted,
  normalizeAddress,
  parseTrustedProxies,
  resolveClientAddress,
  splitProxyList,
  type TrustedProxies,
} from './client-address';

/**
 * The one place that reads who is calling: client address, user agent and protocol of a request, for audit rows,
 * per-address limits and Better Auth.
 *
 * Next.js does not expose the TCP peer to route handlers or actions, and `next start` passes a client's own
 * X-Forwarded-For through untouched (it only fills the header in when it is missing), so the headers alone cannot
 * tell a proxy's word from a client's. `installPeerAddressStamp` (called from instrumentation.ts) therefore
 * subscribes to Node's `http.server.request.start` diagnostics channel, which runs before Next sees the request,
 * and writes the socket's address into PEER_HEADER, replacing anything a client sent under that name. Forwarded
 * headers are then believed only when that peer is in TRUSTED_PROXIES. When the stamp is not installed in this
 * process, the peer is unknown and so is the client address (null): a header is never taken on trust.
 */
export const PEER_HEADER = 'x-flightdeck-peer';
const PEER_PROTO_HEADER = 'x-flightdeck-peer-proto';

/**
 * Better Auth reads the client address from headers itself (rate limits, session rows). It is given exactly one:
 * CLIENT_IP_HEADER, set by withClientAddress from requestMeta and removed when the address is unknown, so no
 * header a client sends reaches it (lib/auth/auth.ts `advanced.ipAddress`).
 */
export const CLIENT_IP_HEADER = 'x-flightdeck-client-ip';

export type RequestMeta = { ip: string | null; userAgent: string | null; protocol: 'http' | 'https' | null };

const g = globalThis as unknown as {
  __flightdeckPeerStamp?: boolean;
  __flightdeckTrustedProxies?: { source: string; parsed: TrustedProxies };
};

export function installPeerAddressStamp() {
  if (g.__flightdeckPeerStamp) return;
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket & { encrypted?: boolean } };
    request.headers[PEER_HEADER] = socket.remoteAddress ?? '';
    request.headers[PEER_PROTO_HEADER] = socket.encrypted ? 'https' : 'http';
    // Only the auth route sets this one (withClientAddress); from a client it is a forgery.
    delete request.headers[CLIENT_IP_HEADER];
  });
  g.__flightdeckPeerStamp = true;
}

function trustedProxies(): TrustedProxies {
  const source = env().TRUSTED_PROXIES ?? '';
  if (g.__flightdeckTrustedProxies?.source !== source) {
    g.__flightdeckTrustedProxies = { source, parsed: parseTrustedProxies(splitProxyList(source)) };
  }
  return g.__flightdeckTrustedProxies.parsed;
}

type HeaderSource = Pick<Headers, 'get'>;

export function requestMeta(headers: HeaderSource | null | undefined): RequestMeta {
  if (!headers) return { ip: null, userAgent: null, protocol: null };
  const peer = g.__flightdeckPeerStamp ? headers.get(PEER_HEADER) : null;
  const trusted = trustedProxies();
  const ip = resolveClientAddress({
    peer,
    forwardedFor: headers.get('x-forwarded-for'),
    realIp: headers.get('x-real-ip'),
    trusted,
  });
  const peerProto = g.__flightdeckPeerStamp ? headers.get(PEER_PROTO_HEADER) : null;
  let protocol: RequestMeta['protocol'] = peerProto === 'https' ? 'https' : peerProto === 'http' ? 'http' : null;
  const peerAddress = normalizeAddress(peer);
  if (peerAddress && isTrusted(peerAddress, trusted)) {
    // A trusted proxy's X-Forwarded-Proto is believed (its first value: the side the client connected to).
    const forwarded = headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    if (forwarded === 'https' || forwarded === 'http') protocol = forwarded;
  }
  return { ip, userAgent: headers.get('user-agent')?.slice(0, 512) ?? null, protocol };
}

/** The request the auth route hands to Better Auth: CLIENT_IP_HEADER carries the resolved address, or is absent. */
export function withClientAddress(request: Request): Request {
  const h = new Headers(request.headers);
  const { ip } = requestMeta(h);
  h.delete(CLIENT_IP_HEADER);
  if (ip) h.set(CLIENT_IP_HEADER, ip);
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers: h, signal: request.signal };
  if (request.body) {
    init.body = request.body;
    init.duplex = 'half';
  }
  return new Request(request.url, init);
}
