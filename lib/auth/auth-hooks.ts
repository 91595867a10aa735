import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from 'better-auth/api';
import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/log';
import type { Db } from '@/lib/db/client';
import { user } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { userActor } from './actor';
import { DEMO_EMAIL_DOMAIN } from './demo-users';
import { SIGN_IN_ACTION, checkSignInAllowed, normalizeEmail } from './rate-limit';

/**
 * Better Auth hooks: audit sign-in, failed sign-in and sign-out with address and user agent; refuse sign-in
 * for accounts over the failure limit, deactivated accounts and (in production) the demo accounts, so those
 * never receive a session at all.
 */

/** Demo accounts have published passwords: refused in production unless the demo is explicitly on. */
export function isRefusedDemoEmail(email: string | null | undefined) {
  const e = env();
  return !!email && normalizeEmail(email).endsWith(DEMO_EMAIL_DOMAIN) && e.NODE_ENV === 'production' && !e.FLIGHTDECK_DEMO;
}

export function clientMeta(headers: Headers | null | undefined) {
  return {
    ip: headers?.get('x-forwarded-for')?.split(',')[0]?.trim() || headers?.get('x-real-ip') || null,
    userAgent: headers?.get('user-agent') ?? null,
  };
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
  const refuse = async (ctx: HookCtx, email: string, reason: string) =>
    recordAudit(db, {
      actor: { kind: 'anonymous' },
      action: SIGN_IN_ACTION,
      targetType: 'account',
      targetId: email,
      outcome: 'denied',
      ...clientMeta(headersOf(ctx)),
      details: { reason },
    });

  return {
    before: createAuthMiddleware(async (ctx) => {
      if (ctx.path === '/sign-in/email') {
        const email = emailOf(ctx);
        if (isRefusedDemoEmail(email)) {
          await refuse(ctx, email, 'demo_account_disabled');
          throw new APIError('FORBIDDEN', { message: 'Demo accounts are disabled on this server.' });
        }
        if (email) {
          const limit = await checkSignInAllowed(db, email);
          if (!limit.ok) {
            await refuse(ctx, email, 'too_many_failures');
            throw new APIError(
              'TOO_MANY_REQUESTS',
              { message: 'Too many failed sign-ins for this account. Wait and try again.' },
              { 'Retry-After': String(limit.retryAfterS) },
            );
          }
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
      await recordAudit(db, {
        actor: { kind: 'anonymous' },
        action: SIGN_IN_ACTION,
        targetType: 'account',
        targetId: emailOf(ctx),
        outcome: 'failure',
        ...clientMeta(headersOf(ctx)),
        details: { status: returned.statusCode, code: (returned.body as { code?: string } | undefined)?.code ?? null },
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
