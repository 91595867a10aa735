import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it, vi } from 'vitest';
import { auditLog, apiTokens, session, user } from '@/lib/db/schema';
import { describeEachDb } from '@/lib/test/db';

/** Settings server actions as an admin: each change happens and leaves its audit row. */
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  session: null as null | { user: Record<string, unknown>; session: Record<string, unknown> },
}));
vi.mock('server-only', () => ({}));
// As under `next start` with the peer stamp (lib/http/request-meta.ts): the peer, plus a header it cannot make us believe.
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'x-flightdeck-peer': '203.0.113.9', 'x-forwarded-for': '198.51.100.66' }),
}));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
vi.mock('@/lib/auth/auth', () => ({ getAuth: async () => ({ api: { getSession: async () => state.session } }) }));
vi.mock('@/lib/db/client', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/lib/db/client')>();
  return { ...m, getDb: async () => state.db };
});

(await import('@/lib/http/request-meta')).installPeerAddressStamp();
const { createUser } = await import('@/lib/auth/users');
const { createUserAction, changeRoleAction, setUserActiveAction } = await import('./users/actions');
const { createTokenAction, revokeTokenAction } = await import('./tokens/actions');

describeEachDb('settings actions', (t) => {
  let adminId = '';
  beforeAll(async () => {
    state.db = t().db;
    const a = await createUser(t().db, { email: 'boss@example.com', role: 'admin', password: 'boss-password-1' });
    if (!a.ok) throw new Error('admin');
    adminId = a.user.id;
    state.session = { user: { id: adminId, email: 'boss@example.com', name: 'Boss', role: 'admin' }, session: {} };
  });

  const auditOf = (action: string, targetId: string) =>
    t().db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)));

  it('creates a user, changes the role, deactivates (ending sessions) and reactivates, each audited', async () => {
    const email = `new-${randomUUID().slice(0, 6)}@example.com`;
    const fd = new FormData();
    for (const [k, v] of Object.entries({ email, role: 'engineer', password: 'initial-pass-1' })) fd.set(k, v);
    expect(await createUserAction({}, fd)).toEqual({ ok: true });
    const [u] = await t().db.select().from(user).where(eq(user.email, email));
    expect((await auditOf('user.create', u.id))[0]).toMatchObject({ actorId: adminId, outcome: 'success', ip: '203.0.113.9' });

    expect(await changeRoleAction({ userId: u.id, role: 'qa' })).toEqual({ ok: true });
    expect((await auditOf('user.role_change', u.id))[0].details).toMatchObject({ from: 'engineer', to: 'qa' });

    await t().db.insert(session).values({ id: randomUUID(), token: randomUUID(), userId: u.id, expiresAt: new Date(Date.now() + 3_600_000) });
    expect(await setUserActiveAction({ userId: u.id, active: 'false' })).toEqual({ ok: true });
    expect(await t().db.select().from(session).where(eq(session.userId, u.id))).toHaveLength(0);
    expect((await auditOf('user.deactivate', u.id))[0].details).toMatchObject({ endedSessions: 1 });
    expect(await setUserActiveAction({ userId: u.id, active: 'true' })).toEqual({ ok: true });
    expect(await auditOf('user.reactivate', u.id)).toHaveLength(1);

    expect((await setUserActiveAction({ userId: adminId, active: 'false' })).error).toMatch(/yourself/);
  });

  it('refuses a common or personal initial password on the password field, creating no one', async () => {
    for (const password of ['password1234', 'weakling.person@example.com']) {
      const fd = new FormData();
      for (const [k, v] of Object.entries({ email: 'weakling.person@example.com', role: 'viewer', password })) fd.set(k, v);
      const r = await createUserAction({}, fd);
      expect(r.fieldErrors?.password?.[0]).toMatch(/^Too easy to guess/);
    }
    expect(await t().db.select().from(user).where(eq(user.email, 'weakling.person@example.com'))).toEqual([]);
  });

  it('creates a token returning the secret once (stored hashed) and revokes it, each audited', async () => {
    const fd = new FormData();
    fd.set('name', 'ci-agent');
    fd.append('scopes', 'ingest');
    fd.append('scopes', 'control');
    fd.set('expiresDays', '7');
    const r = await createTokenAction({}, fd);
    expect(r.ok).toBe(true);
    const token = r.data!.token;
    const [row] = await t().db.select().from(apiTokens).where(eq(apiTokens.prefix, r.data!.prefix));
    expect(row.scopes).toEqual(['ingest', 'control']);
    expect(row.tokenHash).not.toContain(token);
    expect(row.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect((await auditOf('token.create', row.id))[0].details).toMatchObject({ name: 'ci-agent', scopes: ['ingest', 'control'] });
    expect(JSON.stringify(await auditOf('token.create', row.id))).not.toContain(token);

    expect(await revokeTokenAction({ id: row.id })).toEqual({ ok: true });
    expect(await auditOf('token.revoke', row.id)).toHaveLength(1);
    expect((await revokeTokenAction({ id: row.id })).error).toMatch(/already revoked/);

    const bad = new FormData();
    bad.set('name', '');
    expect((await createTokenAction({}, bad)).fieldErrors).toMatchObject({ name: expect.any(Array), scopes: expect.any(Array) });
  });
});
