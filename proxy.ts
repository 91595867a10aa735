import { getSessionCookie } from 'better-auth/cookies';
import { NextResponse, type NextRequest } from 'next/server';
import { checkRequestOrigin } from '@/lib/auth/origin';
import { newNonce, pageCsp } from '@/lib/http/csp';

/**
 * Runs before every page (not the API or static files), in this order:
 * 1. a server action (POST with Next-Action) from an origin the one origin policy refuses is answered 403 and
 *    logged as a refused request — Next.js itself would throw and answer 500;
 * 2. browsers without a session cookie are sent to /sign-in (console pages only). Convenience, NOT a guard
 *    (CVE-2025-29927 showed why): every page, action and handler checks the caller through lib/auth/guards;
 * 3. every page gets a Content-Security-Policy with a fresh nonce (lib/http/csp.ts).
 */
const PUBLIC_PAGES = /^\/(sign-in|setup|forbidden)/;

export function proxy(request: NextRequest) {
  if (request.method === 'POST' && request.headers.has('next-action')) {
    const check = checkRequestOrigin(request);
    if (!check.ok) {
      console.warn(
        `[flightdeck] refused a cross-origin server action: origin ${check.origin} on ${request.nextUrl.pathname} (allowed: ${check.allowed.join(', ')})`,
      );
      return new NextResponse(`Cross-site request refused: origin ${check.origin} is not allowed`, {
        status: 403,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
  }

  if (!PUBLIC_PAGES.test(request.nextUrl.pathname) && !getSessionCookie(request)) {
    const url = new URL('/sign-in', request.url);
    const next = request.nextUrl.pathname + request.nextUrl.search;
    if (next !== '/') url.searchParams.set('next', next);
    return NextResponse.redirect(url);
  }

  const csp = pageCsp(newNonce());
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  // Every page, the public ones included (sign-in, setup, forbidden need the CSP too); the API, health,
  // metrics and static files are left alone (next.config.ts gives them a CSP without inline scripts).
  matcher: ['/((?!api/|_next/|favicon.ico|robots.txt).*)'],
};
