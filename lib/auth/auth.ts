import { betterAuth, type BetterAuthPlugin } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { createAuthMiddleware } from 'better-auth/api';
import { nextCookies } from 'better-auth/next-js';
import { getDb, type Db } from '@/lib/db/client';
import { account, session, user, verification } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { CLIENT_IP_HEADER } from '@/lib/http/request-meta';
import { authDatabaseHooks, authHooks } from './auth-hooks';
import { allowedOrigins } from './origin';
import { authSecret } from './secret';

/**
 * Better Auth answers a sign-in with the session token in the JSON body as well as in the HttpOnly cookie. The
 * browser needs only the cookie; a token in the body is readable by any script on the page and lands in logs
 * and HAR files, so it is dropped here.
 */
const omitSessionTokenFromBody = {
  id: 'flightdeck-omit-session-token',
  hooks: {
    after: [
      {
        matcher: (ctx) => ctx.path === '/sign-in/email',
        handler: createAuthMiddleware(async (ctx) => {
          const returned = ctx.context.returned;
          if (returned && typeof returned === 'object' && !(returned instanceof Response) && 'token' in returned) {
            const { token: _token, ...rest } = returned as Record<string, unknown>;
            return ctx.json(rest);
          }
        }),
      },
    ],
  },
} satisfies BetterAuthPlugin;

/**
 * Better Auth: email + password sign-in, database sessions, scrypt password hashing, per-address rate limits.
 * Chosen because it is the maintained auth library with a first-class Drizzle adapter and Next.js App Router
 * integration, and it keeps sessions in our own Postgres (revocable, visible), not in a third-party service.
 * Sign-up is closed: people are created by an admin (Settings → Users) or `npm run user:create`.
 */
export function createAuth(db: Db) {
  const e = env();
  const baseURL = e.APP_URL ?? `http://localhost:${e.PORT}`;
  return betterAuth({
    appName: 'Flightdeck',
    baseURL,
    secret: authSecret(),
    // The one origin policy (lib/auth/origin.ts), shared with the route-handler and server-action checks.
    trustedOrigins: (request) => allowedOrigins(request),
    database: drizzleAdapter(db, { provider: 'pg', schema: { user, session, account, verification } }),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 12, maxPasswordLength: 256 },
    session: {
      expiresIn: e.SESSION_MAX_AGE_S,
      // Refresh the expiry at most every 15 min of activity; idle sessions end at expiresIn.
      updateAge: 15 * 60,
    },
    user: {
      additionalFields: {
        role: { type: 'string', required: false, defaultValue: 'viewer', input: false },
        banned: { type: 'boolean', required: false, defaultValue: false, input: false },
      },
    },
    // Sign-in limits count failures only and live in auth-hooks.ts / rate-limit.ts (per-account delay, per-address
    // failure cap), so Better Auth's request counter is off for sign-in (it counted successes, and a team behind
    // one NAT locked itself out) and keeps a generous per-address ceiling on its other endpoints.
    rateLimit: {
      enabled: e.NODE_ENV !== 'test' || process.env.FLIGHTDECK_RATE_LIMIT === '1',
      window: 60,
      max: 100,
      customRules: { '/sign-in/email': false },
    },
    hooks: authHooks(db),
    databaseHooks: authDatabaseHooks(db),
    advanced: {
      // Better Auth skips the origin check when NODE_ENV=test; the tests exercise the real policy.
      disableOriginCheck: false,
      useSecureCookies: baseURL.startsWith('https://'),
      // Better Auth reads the client address only from the header the auth route sets from the trusted
      // request-metadata helper (lib/http/request-meta.ts `withClientAddress`); X-Forwarded-For is never read here.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    logger: {
      // A sign-in from an origin the policy refuses is a refused request, not a fault of ours: a warning.
      log: (level, message, ...args) => {
        if (/^(Invalid origin|Blocked cross-site navigation login)/.test(message)) {
          console.warn(`[flightdeck] refused a sign-in request: ${message}`);
        } else {
          (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(`[Better Auth] ${message}`, ...args);
        }
      },
    },
    telemetry: { enabled: false },
    // nextCookies last: it copies the response's Set-Cookie into Next's cookie store.
    plugins: [omitSessionTokenFromBody, nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { __flightdeckAuth?: Promise<Auth> };

export function getAuth(): Promise<Auth> {
  globalForAuth.__flightdeckAuth ??= getDb().then(createAuth);
  return globalForAuth.__flightdeckAuth;
}
