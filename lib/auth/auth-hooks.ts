import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from 'better-auth/api';
import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/log';
import type { Db } from '@/lib/db/client';
import { user } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { requestMeta } from '@/lib/http/request-meta';
import { userActor } from './actor';
import { DEMO_EMAIL_DOMAIN } from './demo-users';
import { checkPassword } from './password-policy';
import {
  SIGN_IN_ACTION,
  checkAccountSignInDelay,
  checkAddressSignInFailures,
  normalizeEmail,
  recordAddressSignInFailure,
} from './rate-limit';

/**
 * Better Auth hooks: audit sign-in, failed sign-in and sign-out with address and user agent; refuse sign-in
 * during an account's failure delay or from an address over its failure limit (lib/auth/rate-limit.ts), and for
 * deactivated accounts and (in production) the demo accounts, so those never receive a session at all.
 * Only a wrong email or password is a failure; any other refusal (origin, validation, deactivated) is recorded
 * as denied and does not count towards a limit.
 */

/** Demo accounts have published passwords: refused in production unless the demo is explicitly on. */
export function isRefusedDemoEmail(email: string | null | undefined) {
  const e = env();
  return !!email && normalizeEmail(email).endsWith(DEMO_EMAIL_DOMAIN) && e.NODE_ENV === 'production' && !e.FLIGHTDECK_DEMO;
}

export function clientMeta(headers: Headers | null | undefined) {
  const { ip, userAgent } = requestMeta(headers);
  return { ip, userAgent };
}

type HookCtx = { path?: string; body?: unknown; headers?: Headers; request?: Request };

function headersOf(ctx: HookCtx) {
  return ctx.headers ?? ctx.request?.headers ?? null;
}

function emailOf(ctx: HookCtx) {
  const body = ctx.body as { email?: unknown } | undefined;
  // Capped: the body is not validated yet when the before hook runs.
  return typeof body?.email === 'string' ? normalizeEmail(body.email).slice(0, 320) : '';
}

export function authHooks(db: Db) {
  const refuse = async (ctx: HookCtx, email: string, details: Record<string, unknown>) =>
    recordAudit(db, {
      actor: { kind: 'anonymous' },
      action: SIGN_IN_ACTION,
      targetType: 'account',
      targetId: email,
      outcome: 'denied',
      ...clientMeta(headersOf(ctx)),
      details,
    });
  const tooMany = (message: string, retryAfterS: number) =>
    new APIError('TOO_MANY_REQUESTS', { message: `${message} Wait ${retryAfterS} s and try again.` }, { 'Retry-After': String(retryAfterS) });

  return {
    before: createAuthMiddleware(async (ctx) => {
      if (ctx.path === '/sign-in/email') {
        const email = emailOf(ctx);
        if (isRefusedDemoEmail(email)) {
          await refuse(ctx, email, { reason: 'demo_account_disabled' });
          throw new APIError('FORBIDDEN', { message: 'Demo accounts are disabled on this server.' });
        }
        const address = clientMeta(headersOf(ctx)).ip;
        const perAddress = checkAddressSignInFailures(address);
        if (!perAddress.ok) {
          await refuse(ctx, email, { reason: 'address_failure_limit' });
          throw tooMany('Too many failed sign-ins from this address.', perAddress.retryAfterS);
        }
        if (email) {
          const delay = await checkAccountSignInDelay(db, email);
          if (!delay.ok) {
            await refuse(ctx, email, { reason: 'account_failure_delay' });
            throw tooMany('Too many failed sign-ins for this account.', delay.retryAfterS);
          }
        }
      }
      if (ctx.path === '/change-password' || ctx.path === '/reset-password') {
        // Better Auth's own ways to set a password meet the same rule as every other (lib/auth/password-policy.ts).
        const newPassword = (ctx.body as { newPassword?: unknown } | undefined)?.newPassword;
        if (typeof newPassword === 'string') {
          const s = ctx.path === '/change-password' ? await getSessionFromCtx(ctx).catch(() => null) : null;
          const check = checkPassword(newPassword, { email: s?.user.email, name: s?.user.name });
          if (!check.ok) throw new APIError('BAD_REQUEST', { message: `newPassword: ${check.message}`, code: 'PASSWORD_TOO_WEAK' });
        }
      }
      if (ctx.path === '/sign-out') {
        // Read the session before Better Auth deletes it, to know who is signing out.
        const s = await getSessionFromCtx(ctx).catch(() => null);
        if (s) {
          await recordAudit(db, {
            actor: userActor(s.user),
            action: 'auth.sign_out',
            targetType: 'user',
            targetId: s.user.id,
            outcome: 'success',
            ...clientMeta(headersOf(ctx)),
          });
        }
      }
    }),
    after: createAuthMiddleware(async (ctx) => {
      if (ctx.path !== '/sign-in/email') return;
      const returned = ctx.context.returned;
      if (!isAPIError(returned)) return; // success is recorded when the session is created
      const code = (returned.body as { code?: string } | undefined)?.code ?? null;
      // Only wrong credentials are failures; a refused origin, a malformed body or a deactivated account is not.
      const failed = returned.statusCode === 401 && code === 'INVALID_EMAIL_OR_PASSWORD';
      const meta = clientMeta(headersOf(ctx));
      if (failed) recordAddressSignInFailure(meta.ip);
      await recordAudit(db, {
        actor: { kind: 'anonymous' },
        action: SIGN_IN_ACTION,
        targetType: 'account',
        targetId: emailOf(ctx),
        outcome: failed ? 'failure' : 'denied',
        ...meta,
        details: { status: returned.statusCode, code },
      });
    }),
  };
}

export function authDatabaseHooks(db: Db) {
  return {
    session: {
      create: {
        before: async (s: { userId: string }) => {
          const [u] = await db
            .select({ email: user.email, banned: user.banned })
            .from(user)
            .where(eq(user.id, s.userId))
            .limit(1);
          if (!u || u.banned) throw new APIError('FORBIDDEN', { message: 'This account is deactivated.' });
          if (isRefusedDemoEmail(u.email)) {
            throw new APIError('FORBIDDEN', { message: 'Demo accounts are disabled on this server.' });
          }
        },
        after: async (s: { userId: string; ipAddress?: string | null; userAgent?: string | null }) => {
          const [u] = await db.select({ email: user.email, name: user.name, role: user.role }).from(user).where(eq(user.id, s.userId)).limit(1);
          await recordAudit(db, {
            actor: u ? userActor({ id: s.userId, ...u }) : { kind: 'anonymous' },
            action: SIGN_IN_ACTION,
            targetType: 'account',
            targetId: u?.email ?? s.userId,
            outcome: 'success',
            ip: s.ipAddress ?? null,
            userAgent: s.userAgent ?? null,
          });
        },
      },
    },
  };
}
