import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { env } from '@/lib/env';
import { classifyAddress, isAllowedHost, refusalMessage } from './addresses';

/**
 * The one outbound HTTP client (webhooks now; Slack and anything later). Every call:
 * - resolves the host itself and refuses it when any of its addresses is not public (./addresses.ts), unless the
 *   host is in OUTBOUND_ALLOWED_HOSTS;
 * - connects to exactly the address it checked (the socket's `lookup` returns it), so a DNS answer that changes
 *   between the check and the connect (rebinding) cannot redirect the call;
 * - follows no redirect unless asked (`maxRedirects`), and then checks every hop again, at most 3;
 * - is bounded: a connect timeout, a total timeout and a response-size cap.
 * Errors are OutboundError with a short code; the message never reveals more than the caller may show.
 */
export type OutboundErrorCode = 'refused' | 'bad_url' | 'dns' | 'timeout' | 'connect' | 'redirect';

export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export type OutboundOptions = {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Whole call, DNS to last byte, all hops. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** Response bytes kept; the rest is not read (the connection is closed). */
  maxResponseBytes?: number;
  /** 0 (default): a 3xx is returned as it is. Otherwise each hop is checked like the first, at most 3. */
  maxRedirects?: number;
  /** Overrides OUTBOUND_ALLOWED_HOSTS (tests of the client itself). */
  allowedHosts?: readonly string[];
} & StrictOption;

type StrictOption = {
  /**
   * Slack's URLs (incoming webhooks, response_url): https only unless the host is in OUTBOUND_ALLOWED_HOSTS, and
   * never a link-local (cloud metadata) address, not even an allowed one.
   */
  strict?: boolean;
};

export type OutboundResponse = { status: number; headers: IncomingHttpHeaders; body: Buffer; truncated: boolean; url: string };

export type CheckedTarget = { url: URL; address: string; family: 4 | 6 };

const MAX_REDIRECTS = 3;

function parseTarget(raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError('bad_url', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError('bad_url', 'only http(s) URLs are allowed');
  if (url.username || url.password) throw new OutboundError('bad_url', 'credentials in the URL are not allowed');
  return url;
}

function lookupAll(host: string, deadline: number): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new OutboundError('timeout', 'timed out resolving the host')), Math.max(0, deadline - Date.now()));
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => {
      clearTimeout(timer);
      if (err || !addresses.length) reject(new OutboundError('dns', `could not resolve ${host}`));
      else resolve(addresses);
    });
  });
}

/**
 * Resolves `raw` and decides whether it may be called. Used at save time (a clear field error) and before every
 * connection (DNS can change after saving). Refuses when ANY resolved address is non-public, so a name with one
 * public and one private answer cannot be steered to the private one.
 */
export async function checkOutboundTarget(
  raw: string | URL,
  options: { allowedHosts?: readonly string[]; deadline?: number } & StrictOption = {},
): Promise<CheckedTarget> {
  const url = parseTarget(raw);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const allowed = isAllowedHost(host, options.allowedHosts ?? env().OUTBOUND_ALLOWED_HOSTS);
  if (options.strict && url.protocol !== 'https:' && !allowed) {
    throw new OutboundError('refused', 'only https:// URLs are allowed (or a host in OUTBOUND_ALLOWED_HOSTS)');
  }
  const family = net.isIP(host);
  const addresses: LookupAddress[] = family
    ? [{ address: host, family }]
    : await lookupAll(host, options.deadline ?? Date.now() + 5_000);
  for (const a of addresses) {
    const verdict = classifyAddress(a.address);
    const linkLocal = !verdict.public && verdict.range === 'linkLocal';
    if (!verdict.public && (!allowed || (options.strict && linkLocal))) throw new OutboundError('refused', refusalMessage(verdict.address));
  }
  const first = addresses[0];
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

function once(target: CheckedTarget, o: Required<Pick<OutboundOptions, 'method' | 'headers' | 'maxResponseBytes' | 'connectTimeoutMs'>> & { body?: string; deadline: number }) {
  return new Promise<OutboundResponse>((resolve, reject) => {
    const { url } = target;
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: o.method,
      headers: { ...o.headers, ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}) },
      agent: false,
      // The socket connects to the address that was checked, whatever DNS says now (no rebinding).
      lookup: (_host, opts, cb) => {
        if ((opts as { all?: boolean }).all) (cb as (e: null, a: LookupAddress[]) => void)(null, [{ address: target.address, family: target.family }]);
        else (cb as (e: null, a: string, f: number) => void)(null, target.address, target.family);
      },
    });
    const fail = (err: OutboundError) => {
      clearTimeout(total);
      clearTimeout(connect);
      req.destroy(err);
      reject(err);
    };
    const total = setTimeout(() => fail(new OutboundError('timeout', 'timed out')), Math.max(0, o.deadline - Date.now()));
    const connect = setTimeout(() => fail(new OutboundError('timeout', 'timed out connecting')), o.connectTimeoutMs);
    req.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connect);
      else socket.once('connect', () => clearTimeout(connect));
    });
    req.on('error', (err) => {
      if (err instanceof OutboundError) return; // already rejected by fail()
      const code = (err as NodeJS.ErrnoException).code;
      fail(new OutboundError('connect', code === 'ECONNREFUSED' ? 'connection refused' : code === 'ECONNRESET' ? 'connection reset' : 'connection failed'));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const done = () => {
        clearTimeout(total);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated, url: url.toString() });
      };
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = o.maxResponseBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          truncated = true;
          res.destroy();
          done();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', done);
      res.on('error', () => {
        if (!truncated) fail(new OutboundError('connect', 'connection reset'));
      });
    });
    req.end(o.body);
  });
}

/** Calls `raw` through the guard. Rejects with OutboundError; a non-2xx answer is a response, not an error. */
export async function outboundRequest(raw: string | URL, options: OutboundOptions = {}): Promise<OutboundResponse> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const maxRedirects = Math.min(options.maxRedirects ?? 0, MAX_REDIRECTS);
  let method = options.method ?? 'GET';
  let body = options.body;
  let current: string | URL = raw;
  for (let hop = 0; ; hop++) {
    const target = await checkOutboundTarget(current, { allowedHosts: options.allowedHosts, deadline, strict: options.strict });
    const res = await once(target, {
      method,
      headers: options.headers ?? {},
      body,
      deadline,
      connectTimeoutMs: options.connectTimeoutMs ?? 3_000,
      maxResponseBytes: options.maxResponseBytes ?? 64 * 1024,
    });
    const location = res.headers.location;
    if (res.status < 300 || res.status > 399 || !location || maxRedirects === 0) return res;
    if (hop >= maxRedirects) throw new OutboundError('redirect', `more than ${maxRedirects} redirects`);
    current = new URL(location, target.url);
    // As browsers do: 307/308 repeat the request; the others become a GET without a body.
    if (res.status !== 307 && res.status !== 308) {
      method = 'GET';
      body = undefined;
    }
  }
}
