import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { NextResponse } from 'next/server';
import { cache } from 'react';
import { z } from 'zod';
import { recordAudit, type AuditEntry } from '@/lib/audit/log';
import { getDb } from '@/lib/db/client';
import { AppError, toAppError } from '@/lib/errors';
import { env } from '@/lib/env';
import { requestMeta as clientRequestMeta } from '@/lib/http/request-meta';
import { log, setLogActor, withLogContext } from '@/lib/log';
import { getAuth } from './auth';
import { checkRequestOrigin } from './origin';
import { DEMO_EMAIL_DOMAIN } from './demo-users';
import { can, type Permission, type TokenScope } from './permissions';
import { checkTokenRateLimit, noteActiveSessions, sessionIdOfPath } from './rate-limit';
import { actorLabel, userActor, type Actor, type ActorOf } from './actor';
import { authenticateToken } from './tokens';

/**
 * The three guards: one for pages, one for server actions, one for route handlers. Each protected entry point
 * calls one of them itself; the proxy (middleware) only redirects signed-out browsers and is not a guard.
 */
export type { Actor, ActorOf } from './actor';

export async function getCurrentUser(): Promise<ActorOf<'user'> | null> {
  const h = await headers();
  const auth = await getAuth();
  const s = await auth.api.getSession({ headers: h });
  if (!s) return null;
  const u = s.user as typeof s.user & { role?: string; banned?: boolean | null };
  if (u.banned) return null;
  // Demo accounts have published passwords: never valid in production unless the demo is explicitly on.
  const e = env();
  if (u.email.endsWith(DEMO_EMAIL_DOMAIN) && e.NODE_ENV === 'production' && !e.FLIGHTDECK_DEMO) return null;
  return { ...userActor(u, 'browser'), ...(await requestMeta()) };
}

/** Address and user agent of the current request, for audit rows written by actions. */
export async function requestMeta() {
  const { ip, userAgent } = clientRequestMeta(await headers());
  return { ip, userAgent };
}

/**
 * The signed-in user, looked up once per page render: the console layout and the page (and any streamed card)
 * each call requirePageUser, and without this every call was another session + user lookup in the database.
 * Actions and route handlers call getCurrentUser directly (no render scope), so a role changed by an action is
 * seen by the render that follows it.
 */
const currentPageUser = cache(getCurrentUser);

/** Pages: signed-out → /sign-in; signed in without the permission → /forbidden. */
export async function requirePageUser(permission: Permission = 'console:read'): Promise<ActorOf<'user'>> {
  const user = await currentPageUser();
  if (!user) redirect('/sign-in');
  if (!can(user.role, permission)) redirect(`/forbidden?need=${encodeURIComponent(permission)}`);
  return user;
}

export type ActionResult<T = undefined> = {
  ok?: boolean;
  error?: string;
  fieldErrors?: Record<string, string[]>;
  data?: T;
};

function formDataToObject(fd: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(fd.keys())) {
    if (key.startsWith('$ACTION')) continue;
    const all = fd.getAll(key);
    out[key] = key.endsWith('[]') || all.length > 1 ? all : all[0];
  }
  return out;
}

export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/**
 * What a guard wrapper declares, attached to the function it returns so the role × operation matrix test
 * (lib/auth/matrix.test.ts) can check every exported action and route handler against the permission table.
 */
export type GuardInfo = { kind: 'action'; permission: Permission } | { kind: 'route'; access: RouteAccess };

export function guardInfoOf(fn: unknown): GuardInfo | undefined {
  return typeof fn === 'function' ? (fn as { __guard?: GuardInfo }).__guard : undefined;
}

/**
 * Server actions: parse → require user → require permission → call. Usable with useActionState
 * (`(prev, formData)`) or called directly with a plain object. A refusal is audited (as `options.audit`, the
 * command's action name, else `auth.denied`; `options.auditDetails` names the target) and changes nothing.
 * This is the one permission check: the command it calls trusts the actor it is given.
 */
export function guardedAction<S extends z.ZodType, T = undefined>(
  permission: Permission,
  schema: S,
  fn: (input: z.infer<S>, user: ActorOf<'user'>) => Promise<ActionResult<T>>,
  options: { audit?: AuditEntry['action']; auditDetails?: (input: z.infer<S>) => Record<string, unknown> } = {},
) {
  const action = async (prevOrInput: unknown, maybeFormData?: unknown): Promise<ActionResult<T>> =>
    withLogContext(await headers(), () => guarded(prevOrInput, maybeFormData));
  const guarded = async (prevOrInput: unknown, maybeFormData?: unknown): Promise<ActionResult<T>> => {
    const raw = maybeFormData !== undefined ? maybeFormData : prevOrInput;
    const input = raw instanceof FormData ? formDataToObject(raw) : raw;
    const user = await getCurrentUser();
    if (!user) return { error: 'You are signed out. Sign in again to continue.' };
    setLogActor(user.email);
    if (!can(user.role, permission)) {
      const meta = await requestMeta();
      const db = await getDb();
      const parsed = schema.safeParse(input);
      const target = parsed.success && options.auditDetails ? options.auditDetails(parsed.data) : {};
      await recordAudit(db, {
        actor: user,
        action: options.audit ?? 'auth.denied',
        outcome: 'denied',
        ...meta,
        details: { permission, ...target },
      });
      return { error: `Your role (${user.role}) is not allowed to do this.` };
    }
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      return { error: 'Please correct the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error) };
    }
    try {
      return await fn(parsed.data, user);
    } catch (err) {
      if (err instanceof AppError) return { error: err.message };
      log().error({ err }, 'server action failed');
      return { error: 'Something went wrong on our side. The change was not saved.' };
    }
  };
  return Object.assign(action, { __guard: { kind: 'action', permission } satisfies GuardInfo });
}

/** Errors as answers (lib/errors.ts decides which, database errors included); anything else is a logged 500. */
export function errorResponse(err: unknown): NextResponse {
  const app = toAppError(err);
  if (app) {
    if (app !== err) log().warn({ err }, `route handler: database error answered ${app.status}`);
    const headers = app.retryAfterS !== undefined ? { 'Retry-After': String(app.retryAfterS) } : undefined;
    return NextResponse.json(app.toJSON(), { status: app.status, headers });
  }
  log().error({ err }, 'route handler failed');
  return NextResponse.json({ error: { code: 'internal', message: 'Internal error' } }, { status: 500 });
}

export type RouteAccess = {
  /** Console users with this permission may call it (cookie session). */
  permission?: Permission;
  /** API tokens with any of these scopes may call it. */
  scopes?: TokenScope[];
};

export type RouteContext<P> = { actor: Actor; params: P; request: Request };

/**
 * Route handlers: authenticate (bearer token, else cookie session) → authorise → act; errors through AppError.
 * Cookie-authenticated calls must come from our own origin (Sec-Fetch-Site / Origin), which blocks CSRF.
 */
export function guardedRoute<P = Record<string, string>>(
  access: RouteAccess,
  handler: (ctx: RouteContext<P>) => Promise<Response>,
) {
  const route = (request: Request, context: { params: Promise<P> }): Promise<Response> =>
    withLogContext(request.headers, () => guarded(request, context));
  const guarded = async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const actor = await authenticateRequest(request, access);
      setLogActor(actorLabel(actor));
      const params = (await context?.params) ?? ({} as P);
      const res = await handler({ actor, params, request });
      // A session the token acted on successfully counts toward its rate-limit budget (lib/auth/rate-limit.ts).
      if (actor.kind === 'token' && res.status < 400) {
        const sessionId = sessionIdOfPath(new URL(request.url).pathname);
        if (sessionId) noteActiveSessions(actor.id, [sessionId]);
      }
      return res;
    } catch (err) {
      return errorResponse(err);
    }
  };
  return Object.assign(route, { __guard: { kind: 'route', access } satisfies GuardInfo });
}

/** Cookies ride along on cross-site requests: a cookie-authenticated call must pass the one origin policy. */
function assertSameOrigin(request: Request) {
  const check = checkRequestOrigin(request);
  if (!check.ok) throw new AppError('forbidden', `Cross-site request refused: origin ${check.origin} is not allowed`);
}

export async function authenticateRequest(request: Request, access: RouteAccess): Promise<Actor> {
  const authorization = request.headers.get('authorization');
  const db = await getDb();
  if (authorization) {
    if (!access.scopes?.length) throw new AppError('forbidden', 'API tokens cannot call this endpoint');
    const check = await authenticateToken(db, authorization);
    if (!check.ok) throw new AppError('unauthorized', `API token ${check.reason}`);
    if (!access.scopes.some((s) => check.principal.scopes.includes(s))) {
      await auditDenied(db, request, check.principal, { scopes: access.scopes });
      throw new AppError('forbidden', `This token lacks the scope: ${access.scopes.join(' or ')}`);
    }
    const limit = checkTokenRateLimit(check.principal.id, Date.now(), sessionIdOfPath(new URL(request.url).pathname));
    if (!limit.ok) {
      throw new AppError('rate_limited', 'Too many requests for this API token', { retryAfterS: limit.retryAfterS });
    }
    return { ...check.principal, ...originOf(request) };
  }
  if (!access.permission) throw new AppError('unauthorized', 'An API token is required (Authorization: Bearer …)');
  assertSameOrigin(request);
  const user = await getCurrentUser();
  if (!user) throw new AppError('unauthorized', 'Sign in or send an API token');
  if (!can(user.role, access.permission)) {
    await auditDenied(db, request, user, { permission: access.permission });
    throw new AppError('forbidden', `Your role (${user.role}) is not allowed to do this`);
  }
  return user;
}

function originOf(request: Request) {
  return {
    ip: clientRequestMeta(request.headers).ip,
    userAgent: request.headers.get('user-agent'),
  };
}

/** A refused call by a known caller is evidence worth keeping (probing, a misconfigured agent). */
async function auditDenied(
  db: Awaited<ReturnType<typeof getDb>>,
  request: Request,
  actor: Actor,
  details: Record<string, unknown>,
) {
  const url = new URL(request.url);
  await recordAudit(db, {
    actor,
    action: 'auth.denied',
    outcome: 'denied',
    ...originOf(request),
    details: { method: request.method, path: url.pathname, ...details },
  });
}
