import { randomUUID } from 'node:crypto';
import path from 'node:path';
import fs from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { queryRows, type Db } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';
import { roles, type Role } from '@/lib/db/schema/enums';
import { describeEachDb } from '@/lib/test/db';

/**
 * The role × operation matrix. Static: every export of every app/**\/actions.ts and every HTTP method of every
 * app/api/**\/route.ts is built by guardedAction / guardedRoute (or is in the public allow-list below).
 * Behavioural: every permission of the table, and every discovered entry point, called with no session, as
 * each role and with a token of each scope, answers as lib/auth/permissions.ts says, and a refused call runs
 * nothing, changes no table and leaves a 'denied' audit row. Only the session lookup and request headers are
 * replaced (they belong to Better Auth and Next, not to the guard under test).
 */
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  session: null as null | { user: Record<string, unknown>; session: Record<string, unknown> },
  headers: new Headers(),
}));
vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => ({
  headers: async () => state.headers,
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => {}, delete: () => {} }),
}));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {}, updateTag: () => {}, refresh: () => {} }));
vi.mock('@/lib/auth/auth', () => ({ getAuth: async () => ({ api: { getSession: async () => state.session } }) }));
vi.mock('@/lib/db/client', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/lib/db/client')>();
  return { ...m, getDb: async () => state.db };
});

const { guardedAction, guardedRoute, guardInfoOf, authenticateRequest } = await import('./guards');
const { can, permissionTable, tokenScopes } = await import('./permissions');
const { createApiToken } = await import('./tokens');
const { createUser } = await import('./users');
const { checkModuleSource, discoverEntryModules } = await import('./guard-coverage');
type Permission = keyof typeof permissionTable;
type RouteAccess = import('./guards').RouteAccess;

const root = path.resolve(__dirname, '../..');

/**
 * Entry points reachable without the guard wrappers, each for a stated reason. Keep this list short.
 * - Better Auth's own endpoints: sign-in must work signed out; the library checks sessions itself.
 * - Health: load balancers probe it without credentials; it returns no data.
 * - First-run set-up: nobody can be signed in before the first user exists; it refuses once one does.
 * - The agent API's OpenAPI document and its reference page: they describe the contract, not data.
 * - Slack's interactivity URL: authenticated by Slack's request signature, and the linked user's role checked
 *   against this same table inside (lib/integrations/slack/interactions.ts; its tests cover every refusal).
 * - The benchmark floor (scripts/bench-fleet.ts): answers 200 with no data, to measure Next's own cost per request.
 */
const publicEntryPoints = new Set([
  'app/api/auth/[...all]/route.ts#GET',
  'app/api/auth/[...all]/route.ts#POST',
  'app/api/health/route.ts#GET',
  'app/api/health/route.ts#HEAD',
  'app/(auth)/setup/actions.ts#createFirstAdminAction',
  'app/api/v1/openapi.json/route.ts#GET',
  'app/api/v1/docs/route.ts#GET',
  'app/api/integrations/slack/interactions/route.ts#POST',
  'app/api/bench-floor/route.ts#GET',
]);

const modules = discoverEntryModules(root);

describe('guard coverage (static)', () => {
  it('finds the action modules and route handlers', () => {
    expect(modules.some((m) => m.kind === 'action')).toBe(true);
    expect(modules.some((m) => m.file === 'app/api/auth/[...all]/route.ts')).toBe(true);
  });

  it.each(modules.map((m) => [m.file, m.kind] as const))('%s: every entry point is guarded', (file, kind) => {
    const { violations } = checkModuleSource(file, fs.readFileSync(path.join(root, file), 'utf8'), kind, publicEntryPoints);
    expect(violations).toEqual([]);
  });

  it('flags an unguarded action, an unguarded route and a re-export', () => {
    const action = checkModuleSource(
      'app/x/actions.ts',
      "'use server';\nexport const ok = guardedAction('console:read', s, f);\nexport async function resume() {}\nexport const abort = async () => {};",
      'action',
    );
    expect(action.guarded).toEqual(['ok']);
    expect(action.violations.map((v) => v.name)).toEqual(['resume', 'abort']);
    const route = checkModuleSource(
      'app/api/x/route.ts',
      "export const dynamic = 'force-dynamic';\nexport const GET = guardedRoute({ scopes: ['read'] }, h);\nexport async function POST() {}\nexport { PATCH } from './y';",
      'route',
    );
    expect(route.guarded).toEqual(['GET']);
    expect(route.violations.map((v) => v.name)).toEqual(['POST', 'export {…}']);
  });
});

type Principal =
  | { kind: 'none' }
  | { kind: 'user'; role: Role; id: string; email: string }
  | { kind: 'token'; scope: (typeof tokenScopes)[number]; token: string; id: string };

function label(p: Principal) {
  return p.kind === 'none' ? 'no session' : p.kind === 'user' ? `role ${p.role}` : `token scope ${p.scope}`;
}

function actAs(p: Principal) {
  state.session =
    p.kind === 'user'
      ? { user: { id: p.id, email: p.email, name: p.role, role: p.role, banned: false }, session: { id: randomUUID() } }
      : null;
  state.headers = new Headers(p.kind === 'token' ? { authorization: `Bearer ${p.token}` } : {});
}

function requestAs(p: Principal, url: string, method: string) {
  const headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' };
  if (p.kind === 'token') headers.authorization = `Bearer ${p.token}`;
  actAs(p);
  return new Request(url, { method, headers });
}

/** What lib/auth/permissions.ts says a route with this access answers to this caller. */
function expectedRoute(access: RouteAccess, p: Principal): 'allowed' | 401 | 403 {
  if (p.kind === 'none') return 401;
  if (p.kind === 'token') return access.scopes?.includes(p.scope) ? 'allowed' : 403;
  if (!access.permission) return 401;
  return can(p.role, access.permission) ? 'allowed' : 403;
}

async function tableCounts(db: Db) {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'audit_log' ORDER BY 1`,
  );
  const out: Record<string, number> = {};
  for (const t of tables) {
    const [r] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM ${sql.identifier(t.name)}`);
    out[t.name] = r.n;
  }
  return out;
}

async function deniedRows(db: Db, actorId: string) {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(eq(auditLog.actorId, actorId), eq(auditLog.outcome, 'denied')));
  return r.n;
}

describeEachDb('role × operation matrix', (t) => {
  const principals: Principal[] = [{ kind: 'none' }];
  beforeAll(async () => {
    state.db = t().db;
    for (const role of roles) {
      const email = `matrix-${role}-${randomUUID().slice(0, 6)}@example.com`;
      const r = await createUser(t().db, { email, role, password: 'matrix-password-1' });
      if (!r.ok) throw new Error('user');
      principals.push({ kind: 'user', role, id: r.user.id, email });
    }
    for (const scope of tokenScopes) {
      const { token, record } = await createApiToken(t().db, { name: `matrix-${scope}`, scopes: [scope] });
      principals.push({ kind: 'token', scope, token, id: record.id });
    }
  });

  describe('guardedAction over the whole permission table', () => {
    it.each(Object.keys(permissionTable) as Permission[])('%s', async (permission) => {
      const db = t().db;
      for (const p of principals) {
        const inner = vi.fn(async () => ({ ok: true }));
        const action = guardedAction(permission, z.object({}), inner);
        actAs(p);
        const before = p.kind === 'user' ? await deniedRows(db, p.id) : 0;
        const result = await action({});
        const allowed = p.kind === 'user' && can(p.role, permission);
        expect(inner.mock.calls.length, `${permission} as ${label(p)}`).toBe(allowed ? 1 : 0);
        if (allowed) expect(result).toEqual({ ok: true });
        else if (p.kind === 'user') {
          expect(result.error).toMatch(/not allowed/);
          expect(await deniedRows(db, p.id)).toBe(before + 1);
        } else expect(result.error).toMatch(/signed out/); // tokens never reach server actions
      }
    });
  });

  describe('guardedRoute over the whole permission table and every scope', () => {
    const accesses: RouteAccess[] = [
      ...(Object.keys(permissionTable) as Permission[]).map((permission) => ({ permission })),
      ...tokenScopes.map((s) => ({ scopes: [s] })),
      { permission: 'interventions:resume', scopes: ['control'] },
      { permission: 'metrics:read', scopes: ['metrics', 'read'] },
    ];
    it.each(accesses.map((a) => [JSON.stringify(a), a] as const))('%s', async (_name, access) => {
      for (const p of principals) {
        const inner = vi.fn(async () => new Response('done'));
        const route = guardedRoute(access, inner);
        const res = await route(requestAs(p, 'http://localhost:3000/api/v1/test', 'POST'), { params: Promise.resolve({}) });
        const want = expectedRoute(access, p);
        expect(want === 'allowed' ? 200 : want, `${JSON.stringify(access)} as ${label(p)}`).toBe(res.status);
        expect(inner.mock.calls.length).toBe(want === 'allowed' ? 1 : 0);
      }
    });
  });

  describe('every discovered server action', () => {
    const actionModules = modules.filter((m) => m.kind === 'action');
    it.each(actionModules.map((m) => [m.file]))('%s', async (file) => {
      const db = t().db;
      const mod = (await import(/* @vite-ignore */ path.join(root, file))) as Record<string, unknown>;
      const exports = Object.entries(mod).filter(([name]) => !publicEntryPoints.has(`${file}#${name}`));
      for (const [name, fn] of exports) {
        const info = guardInfoOf(fn);
        expect(info?.kind, `${file}#${name} carries no guard`).toBe('action');
        if (info?.kind !== 'action') continue;
        for (const p of principals) {
          actAs(p);
          const counts = await tableCounts(db);
          const denied = p.kind === 'user' ? await deniedRows(db, p.id) : 0;
          const result = (await (fn as (input: unknown) => Promise<{ error?: string }>)({})) ?? {};
          const allowed = p.kind === 'user' && can(p.role, info.permission);
          const where = `${file}#${name} (${info.permission}) as ${label(p)}`;
          if (allowed) {
            expect(result.error ?? '', where).not.toMatch(/not allowed|signed out/);
            continue;
          }
          expect(result.error, where).toMatch(p.kind === 'user' ? /not allowed/ : /signed out/);
          expect(await tableCounts(db), `${where} changed data`).toEqual(counts);
          if (p.kind === 'user') expect(await deniedRows(db, p.id), where).toBe(denied + 1);
        }
      }
    });
  });

  // The notification rule action is guarded by notifications:manage-own (in-app rules are for everyone); a webhook
  // rule makes the server call a chosen URL and also needs notifications:webhook, checked inside the action.
  it('saving a webhook rule follows notifications:webhook for every role', async () => {
    const { savePreferenceAction } = await import('@/app/(console)/settings/notifications/actions');
    for (const p of principals) {
      if (p.kind !== 'user') continue;
      actAs(p);
      const denied = await deniedRows(t().db, p.id);
      const result = await savePreferenceAction({ channel: 'webhook', targetUrl: 'https://93.184.215.14/hook' });
      if (can(p.role, 'notifications:webhook')) expect(result, label(p)).toMatchObject({ ok: true });
      else {
        expect(result.error, label(p)).toMatch(/not allowed/);
        expect(await deniedRows(t().db, p.id), label(p)).toBe(denied + 1);
      }
    }
  });

  it('the public set-up action refuses once any user exists and changes nothing', async () => {
    const { createFirstAdminAction } = await import('@/app/(auth)/setup/actions');
    actAs({ kind: 'none' });
    const counts = await tableCounts(t().db);
    const fd = new FormData();
    for (const [k, v] of Object.entries({ email: 'intruder@example.com', password: 'intruder-pass-1', confirm: 'intruder-pass-1' })) {
      fd.set(k, v);
    }
    const result = await createFirstAdminAction({}, fd);
    expect(result.error).toMatch(/already done/);
    expect(await tableCounts(t().db)).toEqual(counts);
  });

  describe('every discovered route handler', () => {
    const routeModules = modules.filter((m) => m.kind === 'route');
    it.each(routeModules.map((m) => [m.file]))('%s', async (file) => {
      const db = t().db;
      const mod = (await import(/* @vite-ignore */ path.join(root, file))) as Record<string, unknown>;
      const url = `http://localhost:3000/${file
        .replace(/^app\//, '')
        .replace(/\/route\.tsx?$/, '')
        .replace(/\[\.\.\.[^\]]+\]|\[[^\]]+\]/g, randomUUID())}`;
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
        const handler = mod[method];
        if (typeof handler !== 'function' || publicEntryPoints.has(`${file}#${method}`)) continue;
        const info = guardInfoOf(handler);
        expect(info?.kind, `${file}#${method} carries no guard`).toBe('route');
        if (info?.kind !== 'route') continue;
        for (const p of principals) {
          const want = expectedRoute(info.access, p);
          const where = `${method} ${file} as ${label(p)}`;
          if (want === 'allowed') {
            // Only the guard's decision: running the handler on made-up input proves nothing about access.
            await expect(authenticateRequest(requestAs(p, url, method), info.access), where).resolves.toBeTruthy();
            continue;
          }
          const counts = await tableCounts(db);
          const res = await (handler as (r: Request, c: unknown) => Promise<Response>)(requestAs(p, url, method), {
            params: Promise.resolve({}),
          });
          expect(res.status, where).toBe(want);
          expect(await tableCounts(db), `${where} changed data`).toEqual(counts);
        }
      }
    });
  });
});
