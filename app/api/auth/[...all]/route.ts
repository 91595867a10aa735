import { toNextJsHandler } from 'better-auth/next-js';
import { getAuth } from '@/lib/auth/auth';
import { withClientAddress } from '@/lib/http/request-meta';

// Better Auth's own endpoints (sign-in, sign-out, session). Sign-up is disabled in lib/auth/auth.ts. Each request
// carries the client address as lib/http/request-meta.ts resolved it, the only address Better Auth reads.
export async function GET(request: Request) {
  return toNextJsHandler(await getAuth()).GET(withClientAddress(request));
}

export async function POST(request: Request) {
  return toNextJsHandler(await getAuth()).POST(withClientAddress(request));
}
