import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditLog, session } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { describeEachDb } from '@/lib/test/db';
import { createAuth, type Auth } from './auth';
import { setUserActive, createUser } from './users';

/** Sign-in through Better Auth's real HTTP handler on a throwaway database: audit rows, limits, refusals. */
const base = 'http://localhost:3000';
const saved = { ...process.env };

beforeAll(() => {
  process.env.BETTER_AUTH_SECRET = 'test-secret-test-secret-test-secret-0123';
  process.env.APP_URL = base;
  resetEnvCache();
});
afterAll(() => {
  process.env = saved;
  resetEnvCache();
});

function signIn(auth: Auth, email: string, password: string, ip = '203.0.113.7') {
  return auth.handler(
    new Request(`${base}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, 'x-forwarded-for': ip, 'user-agent': 'vitest-agent/1' },
      body: JSON.stringify({ email, password }),
    }),
  );
}

const newEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.com`;

describeEachDb('sign-in', (t) => {
  let auth: Auth;
  beforeAll(() => {
    auth = createAuth(t().db);
  });

  async function auditFor(email: string) {
    return t()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'auth.sign_in'), eq(auditLog.targetId, email)))
      .orderBy(auditLog.id);
  }

  it('audits a failed and a successful sign-in with address and user agent', async () => {
    const email = newEmail('ok');
    await createUser(t().db, { email, role: 'engineer', password: 'right-password-1' });
    expect((await signIn(auth, email, 'wrong-password-1')).status).toBe(401);
    const ok = await signIn(auth, email, 'right-password-1');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/session_token/);
    const rows = await auditFor(email);
    expect(rows.map((r) => r.outcome)).toEqual(['failure', 'success']);
    for (const r of rows) expect([r.ip, r.userAgent]).toEqual(['203.0.113.7', 'vitest-agent/1']);
    expect(rows[1].actorType).toBe('user');
  });

  it('refuses the 6th rapid failed sign-in for one account, even from new addresses and with the right password', async () => {
    const email = newEmail('locked');
    const u = await createUser(t().db, { email, role: 'qa', password: 'right-password-1' });
    if (!u.ok) throw new Error('user');
    for (let i = 1; i <= 5; i++) expect((await signIn(auth, email, `wrong-${i}-password`, `198.51.100.${i}`)).status).toBe(401);
    const sixth = await signIn(auth, email, 'right-password-1', '198.51.100.99');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await t().db.select().from(session).where(eq(session.userId, u.user.id))).toEqual([]);
    expect((await auditFor(email)).map((r) => r.outcome)).toEqual([...Array(5).fill('failure'), 'denied']);
  });

  it('counts failures for unknown emails too, so the answer does not reveal which accounts exist', async () => {
    const email = newEmail('nobody');
    for (let i = 1; i <= 5; i++) expect((await signIn(auth, email, 'whatever-password')).status).toBe(401);
    expect((await signIn(auth, email, 'whatever-password')).status).toBe(429);
  });

  it('refuses a deactivated account and deactivation ends its sessions', async () => {
    const email = newEmail('gone');
    const u = await createUser(t().db, { email, role: 'engineer', password: 'right-password-1' });
    if (!u.ok) throw new Error('user');
    expect((await signIn(auth, email, 'right-password-1')).status).toBe(200);
    expect(await t().db.select().from(session).where(eq(session.userId, u.user.id))).toHaveLength(1);
    const r = await setUserActive(t().db, { userId: u.user.id, active: false });
    expect(r).toMatchObject({ ok: true, endedSessions: 1 });
    expect(await t().db.select().from(session).where(eq(session.userId, u.user.id))).toHaveLength(0);
    expect((await signIn(auth, email, 'right-password-1')).status).toBe(403);
    expect(await t().db.select().from(session).where(eq(session.userId, u.user.id))).toHaveLength(0);
  });

  it('refuses demo accounts in production unless FLIGHTDECK_DEMO=1, before any session exists', async () => {
    const email = `demo-${randomUUID().slice(0, 6)}@flightdeck.local`;
    const u = await createUser(t().db, { email, role: 'admin', password: 'demo-admin-pass' });
    if (!u.ok) throw new Error('user');
    try {
      (process.env as Record<string, string>).NODE_ENV = 'production';
      resetEnvCache();
      expect((await signIn(auth, email, 'demo-admin-pass')).status).toBe(403);
      expect(await t().db.select().from(session).where(eq(session.userId, u.user.id))).toHaveLength(0);
      process.env.FLIGHTDECK_DEMO = '1';
      resetEnvCache();
      expect((await signIn(auth, email, 'demo-admin-pass')).status).toBe(200);
    } finally {
      (process.env as Record<string, string>).NODE_ENV = 'test';
      delete process.env.FLIGHTDECK_DEMO;
      resetEnvCache();
    }
  });

  it('audits sign-out', async () => {
    const email = newEmail('bye');
    await createUser(t().db, { email, role: 'viewer', password: 'right-password-1' });
    const res = await signIn(auth, email, 'right-password-1');
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const out = await auth.handler(
      new Request(`${base}/api/auth/sign-out`, { method: 'POST', headers: { cookie, origin: base, 'user-agent': 'vitest-agent/1' } }),
    );
    expect(out.status).toBe(200);
    const rows = await t().db.select().from(auditLog).where(and(eq(auditLog.action, 'auth.sign_out'), eq(auditLog.actorLabel, email)));
    expect(rows).toHaveLength(1);
  });

  it('limits sign-in requests per address (Better Auth rate limit): the 6th rapid one gets 429', async () => {
    process.env.FLIGHTDECK_RATE_LIMIT = '1';
    try {
      const limited = createAuth(t().db);
      // Better Auth keeps its in-memory counters process-wide: a fresh address per run keeps runs apart.
      const ip = `10.${[...randomBytes(3)].join('.')}`;
      const statuses: number[] = [];
      // Different accounts from one address: the per-account limit is not what answers here.
      for (let i = 0; i < 6; i++) statuses.push((await signIn(limited, newEmail(`addr${i}`), 'wrong-password-1', ip)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    } finally {
      delete process.env.FLIGHTDECK_RATE_LIMIT;
    }
  });
});
