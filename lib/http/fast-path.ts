import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { onEachServer } from './each-server';
import { apiSecurityHeaders } from './security-headers';

/**
 * The agent API's fast path: the few calls every agent makes every few seconds (heartbeat, control, tool
 * executions, events) are answered by their own route handlers, called straight from Node's HTTP server instead
 * of through Next.js's request pipeline (routing, config rewrites, async storage set-up, web-stream piping).
 * That pipeline alone costs ~1.2 ms of CPU per request here (the `/api/bench-floor` route of scripts/bench-fleet.ts)
 * — more than the work itself — and a fleet of 3,000 agents sends ~550 such requests a second.
 *
 * Nothing about the call changes: the same exported handler (apiRoute → guardedRoute: token, scopes, rate limit,
 * body limit, zod schema, idempotency, error format) gets a standard `Request` and answers a `Response`; the same
 * security headers (lib/http/security-headers.ts, shared with next.config.ts) go on the answer. Any request that is
 * not an exact match (other methods, trailing slashes, odd encodings, everything else in the app) goes to Next.js
 * untouched. `AGENT_FAST_PATH=0` turns it off (then Next.js serves these routes as before).
 *
 * How it attaches: `next start` creates its server with `http.createServer(listener)`. On the first request, Node's
 * `http.server.request.start` diagnostics channel (published before the server emits `request`) hands us the
 * server; its `request` listeners are wrapped once, so this dispatcher sees each request first. Installed from
 * instrumentation.ts, in the same process; state (token cache, rate-limit buckets, pools) lives on globalThis
 * and is shared with the route bundles.
 */

// On globalThis: the route bundles may hold their own copy of this module.
const bodies = globalThis as unknown as { __flightdeckFastBodies?: WeakMap<Request, Uint8Array> };
const readBodies = () => (bodies.__flightdeckFastBodies ??= new WeakMap());

/** The body the fast path read for this request (at most the route's limit + 1 byte), or undefined. */
export function bodyReadBy(request: Request): Uint8Array | undefined {
  return bodies.__flightdeckFastBodies?.get(request);
}

export type FastHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type FastRoute = {
  method: 'GET' | 'POST';
  /** Matched against the whole path (no query); named groups become the handler's params. */
  path: RegExp;
  handler: FastHandler;
  /** Bytes of body read at most (one more is read so the handler can answer 413 itself). */
  maxBytes?: () => number;
};

type Dispatch = (req: IncomingMessage, res: ServerResponse) => boolean;

const g = globalThis as unknown as { __flightdeckFastPath?: { routes: FastRoute[] } };

const gzip = promisify(gzipCb);
const COMPRESS_FROM_BYTES = 1024;

/** Installs (or replaces) the routes served on the fast path; idempotent. */
export function installFastPath(routes: FastRoute[]) {
  if (g.__flightdeckFastPath) {
    g.__flightdeckFastPath.routes = routes;
    return;
  }
  const state = { routes };
  g.__flightdeckFastPath = state;
  onEachServer((server) => wrapServer(server, (req, res) => dispatch(state.routes, req, res)));
}

/** Puts `dispatch` in front of the server's own request listeners (exported for the unit test). */
export function wrapServer(server: Server, fast: Dispatch) {
  const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (fast(req, res)) return;
    for (const l of listeners) l.call(server, req, res);
  });
}

/** Serves the request if a fast route matches it exactly; false hands it to the next listener (Next.js). */
export function dispatch(routes: FastRoute[], req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url;
  if (!url || !url.startsWith('/api/v1/')) return false;
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  for (const route of routes) {
    if (route.method !== req.method) continue;
    const m = route.path.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    try {
      for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
    } catch {
      return false; // a malformed escape: Next.js answers it as it always has
    }
    const host = req.headers.host;
    const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
    let requestUrl: string;
    try {
      requestUrl = new URL(url, `${secure ? 'https' : 'http'}://${host ?? 'localhost'}`).href;
    } catch {
      return false;
    }
    void serve(route, req, res, requestUrl, params);
    return true;
  }
  return false;
}

async function serve(route: FastRoute, req: IncomingMessage, res: ServerResponse, url: string, params: Record<string, string>) {
  const aborted = new AbortController();
  // A client that goes away (a long-poll given up) aborts the handler's wait, as Next.js's request.signal does.
  res.once('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  try {
    let body: Buffer | undefined;
    let truncated = false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const read = await readBounded(req, route.maxBytes?.() ?? Number.POSITIVE_INFINITY);
      body = read.bytes;
      truncated = read.truncated;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const x of v) headers.append(k, x);
      else headers.set(k, v);
    }
    const request = new Request(url, { method: req.method, headers, body: body as unknown as BodyInit | undefined, signal: aborted.signal });
    // lib/api/handler.ts takes these bytes (bodyReadBy) instead of reading them back through the web stream.
    if (body) readBodies().set(request, body);
    const response = await route.handler(request, { params: Promise.resolve(params) });
    await writeResponse(req, res, response, truncated);
  } catch (err) {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    // The handlers answer their own errors (guardedRoute → errorResponse); this is a client gone mid-body or a bug.
    const gone = err instanceof Error && err.message === 'client closed the request';
    if (gone) {
      res.destroy();
      return;
    }
    console.error('[flightdeck] agent API fast path failed', err);
    res.statusCode = 500;
    for (const h of apiSecurityHeaders) res.setHeader(h.key, h.value);
    res.setHeader('content-type', 'application/json');
    res.end('{"error":{"code":"internal","message":"Internal error"}}');
  }
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response, truncated: boolean) {
  let out: Buffer = Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  for (const h of apiSecurityHeaders) res.setHeader(h.key, h.value);
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') res.setHeader(key, value);
  });
  // Says which door served it (operators, the benchmark, the e2e check that `next start` has the fast path on).
  const timing = response.headers.get('server-timing');
  res.setHeader('server-timing', timing ? `${timing}, fast` : 'fast');
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader('set-cookie', cookies);
  // Like Next.js's compression layer: larger answers are gzipped when the client takes it, unless the handler said
  // no-transform (lib/api/handler.ts does for small ones).
  const cacheControl = response.headers.get('cache-control') ?? '';
  const accepts = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  if (out.length >= COMPRESS_FROM_BYTES && accepts && !/no-transform/.test(cacheControl) && !response.headers.has('content-encoding')) {
    out = await gzip(out);
    res.setHeader('content-encoding', 'gzip');
    res.setHeader('vary', 'Accept-Encoding');
  }
  res.setHeader('content-length', out.length);
  // The rest of an over-long body is not read: close the connection rather than drain it.
  if (truncated) res.setHeader('connection', 'close');
  res.end(req.method === 'HEAD' ? undefined : out);
}

/** Reads the body, at most maxBytes + 1 bytes (the handler sees it is over its limit and answers 413). */
function readBounded(req: IncomingMessage, maxBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (truncated: boolean) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve({ bytes: Buffer.concat(chunks, total), truncated });
    };
    const onData = (chunk: Buffer) => {
      const room = maxBytes + 1 - total;
      if (chunk.length >= room) {
        chunks.push(chunk.subarray(0, room));
        total += room;
        req.pause();
        finish(true);
        return;
      }
      chunks.push(chunk);
      total += chunk.length;
    };
    req.on('data', onData);
    req.once('end', () => finish(false));
    req.once('error', (err) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
    req.once('close', () => {
      if (!settled && !req.complete) {
        settled = true;
        reject(new Error('client closed the request'));
      }
    });
  });
}
