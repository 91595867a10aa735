import { getSessionCookie } from 'better-auth/cookies';
import { NextResponse, type NextRequest } from 'next/server';

/**
 * Convenience only: sends browsers without a session cookie to /sign-in. It is NOT a guard (CVE-2025-29927
 * showed why): every page, server action and route handler checks the caller itself through lib/auth/guards.
 */
export function proxy(request: NextRequest) {
  if (!getSessionCookie(request)) {
    const url = new URL('/sign-in', request.url);
    const next = request.nextUrl.pathname + request.nextUrl.search;
    if (next !== '/') url.searchParams.set('next', next);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

export const config = {
  // Console pages only: the API, health, metrics, sign-in, the one-time /setup (it checks that no user exists
  // itself) and static files are left alone.
  matcher: ['/((?!api/|sign-in|setup|forbidden|_next/|favicon.ico|robots.txt).*)'],
};
