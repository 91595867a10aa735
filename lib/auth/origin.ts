import { env } from '@/lib/env';

/**
 * The one origin policy. Better Auth's trustedOrigins (sign-in, sign-out), the cookie-authenticated route
 * handlers (guards.ts) and server actions (proxy.ts) all ask this module, so a browser that may sign in may also
 * click a button, and one that may not is refused everywhere with the same reason.
 *
 * - APP_URL set: only its origin. Behind a proxy or under several names, APP_URL is the name people use.
 * - APP_URL unset (development, the demo): the origin the browser itself addressed (Host header), so
 *   http://127.0.0.1:3000 works like http://localhost:3000, plus http://localhost:PORT.
 */
type RequestLike = { headers: Headers; url: string };

export function allowedOrigins(request?: RequestLike): string[] {
  const e = env();
  if (e.APP_URL) return [new URL(e.APP_URL).origin];
  const local = `http://localhost:${e.PORT}`;
  const own = request ? addressedOrigin(request) : null;
  return own && own !== local ? [own, local] : [local];
}

/** The origin the client addressed: scheme of the connection, host as sent. */
function addressedOrigin(request: RequestLike): string | null {
  const host = request.headers.get('host');
  if (!host) return null;
  try {
    return new URL(`${new URL(request.url).protocol}//${host}`).origin;
  } catch {
    return null;
  }
}

export type OriginCheck = { ok: true } | { ok: false; origin: string; allowed: string[] };

/**
 * May this request act with the caller's cookies? Origin decides when the browser sends it (every POST, every
 * cross-origin fetch); without it, Sec-Fetch-Site must say the request did not come from another site. A request
 * with neither header is not from a browser page, so it cannot be a cross-site forgery.
 */
export function checkRequestOrigin(request: RequestLike): OriginCheck {
  const origin = request.headers.get('origin');
  if (origin) {
    const allowed = allowedOrigins(request);
    return origin !== 'null' && allowed.includes(origin) ? { ok: true } : { ok: false, origin, allowed };
  }
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') {
    return { ok: false, origin: `(${site} request without Origin)`, allowed: allowedOrigins(request) };
  }
  return { ok: true };
}
