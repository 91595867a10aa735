import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, session } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { withClientAddress } from '@/lib/http/request-meta';
import { serveFetch } from '@/lib/http/test-server';
import { describeEachDb } from '@/lib/test/db';
import { createAuth, type Auth } from './auth';
import { resetAddressSignInFailures, signInDelayS } from './rate-limit';
import { setUserActive, createUser } from './users';

/**
 * Sign-in through Better Auth's real handler behind a real HTTP server on 127.0.0.1, the way the auth route serves
 * it (withClientAddress), on a throwaway database: audit rows, the failure-only limits, refusals.
 */
const base = 'http://localhost:3000';
const saved = { ...process.env };
let server: Awaited<ReturnType<typeof serveFetch>>;
let auth: Auth;

function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
}

beforeAll(async () => {
  setEnv({ BETTER_AUTH_SECRET: 'test-secret-test-secret-test-secret-0123', APP_URL: base });
  server = await serveFetch((request) => auth.handler(withClientAddress(request)));
});
afterAll(async () => {
  await server.close();
  process.env = saved;
  resetEnvCache();
});
beforeEach(() => {
  setEnv({ TRUSTED_PROXIES: undefined, SIGN_IN_MAX_FAILURES_PER_ADDRESS: undefined });
  resetAddressSignInFailures();
});

function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, 'user-agent': 'vitest-agent/1', ...headers },
    body: JSON.stringify({ email, password }),
  });
}

const newEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.com`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('delay per consecutive failure: none for three, then 1, 2, 4 … s, capped at SIGN_IN_MAX_DELAY_S', () => {
  expect(Array.from({ length: 12 }, (_, i) => signInDelayS(i, 3, 60))).toEqual([0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]);
  expect(signInDelayS(1000, 3, 60)).toBe(60);
});

describeEachDb('sign-in', (t) => {
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

  it('audits a failed and a successful sign-in with the peer address and user agent', async () => {
    const email = newEmail('ok');
    await createUser(t().db, { email, role: 'engineer', password: 'right-password-1' });
    expect((await signIn(email, 'wrong-password-1')).status).toBe(401);
    const ok = await signIn(email, 'right-password-1');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/session_token/);
    const rows = await auditFor(email);
    expect(rows.map((r) => r.outcome)).toEqual(['failure', 'success']);
    for (const r of rows) expect([r.ip, r.userAgent]).toEqual(['127.0.0.1', 'vitest-agent/1']);
    expect(rows[1].actorType).toBe('user');
  });

  it('a team behind one NAT: ten successful sign-ins from one address in a minute all succeed', async () => {
    setEnv({ FLIGHTDECK_RATE_LIMIT: '1' }); // Better Auth's own limiter on, as in production
    const previous = auth;
    auth = createAuth(t().db);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const email = newEmail(`team${i}`);
        await createUser(t().db, { email, role: 'viewer', password: 'right-password-1' });
        statuses.push((await signIn(email, 'right-password-1')).status);
      }
      expect(statuses).toEqual(Array(10).fill(200));
    } finally {
      auth = previous;
      setEnv({ FLIGHTDECK_RATE_LIMIT: undefined });
    }
  });

  it("an attacker's five wrong passwords delay the owner, never lock them out, even from new addresses", async () => {
    setEnv({ TRUSTED_PROXIES: '127.0.0.1' }); // we play the proxy: each attempt comes from another client address
    const email = newEmail('owner');
    const u = await createUser(t().db, { email, role: 'admin', password: 'right-password-1' });
    if (!u.ok) throw new Error('user');
    for (let i = 1; i <= 5; i++) {
      if (i === 5) await sleep(1100); // the 4th failure earned a 1 s delay
      expect((await signIn(email, `wrong-${i}-password`, { 'x-forwarded-for': `198.51.100.${i}` })).status).toBe(401);
    }
    const early = await signIn(email, 'right-password-1', { 'x-forwarded-for': '198.51.100.99' });
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBe(2);
    expect((await early.json()).message).toMatch(/Too many failed sign-ins for this account\. Wait 2 s/);
    await sleep(2100);
    expect((await signIn(email, 'right-password-1', { 'x-forwarded-for': '198.51.100.99' })).status).toBe(200);
    expect(await t().db.select().from(session).where(eq(session.userId, u.user.id))).toHaveLength(1);
    const rows = await auditFor(email);
    expect(rows.map((r) => r.outcome)).toEqual([...Array(5).fill('failure'), 'denied', 'success']);
    expect(rows.map((r) => r.ip)).toEqual([1, 2, 3, 4, 5, 99, 99].map((n) => `198.51.100.${n}`));
  });

  it('the delay grows with each consecutive failure; refused early attempts do not add to it', async () => {
    const email = newEmail('grow');
    await createUser(t().db, { email, role: 'qa', password: 'right-password-1' });
    for (let i = 1; i <= 3; i++) expect((await signIn(email, 'wrong-password-1')).status).toBe(401);
    const retryAfter: number[] = [];
    for (let i = 4; i <= 6; i++) {
      expect((await signIn(email, 'wrong-password-1')).status).toBe(401);
      const early = await signIn(email, 'right-password-1');
      expect(early.status).toBe(429);
      retryAfter.push(Number(early.headers.get('retry-after')));
      await sleep(retryAfter.at(-1)! * 1000 + 100);
    }
    expect(retryAfter).toEqual([1, 2, 4]);
    expect((await auditFor(email)).map((r) => r.outcome)).toEqual(['failure', 'failure', 'failure', ...Array(3).fill(['failure', 'denied']).flat()]);
  });

  it('counts failures for unknown emails too, so the answer does not reveal which accounts exist', async () => {
    const email = newEmail('nobody');
    for (let i = 1; i <= 4; i++) expect((await signIn(email, 'whatever-password')).status).toBe(401);
    expect((await signIn(email, 'whatever-password')).status).toBe(429);
  });

  it('a refusal other than a wrong password (deactivated account) is no failure and earns no delay', async () => {
    const email = newEmail('paused');
    const u = await createUser(t().db, { email, role: 'engineer', password: 'right-password-1' });
    if (!u.ok) throw new Error('user');
    await setUserActive(t().db, { userId: u.user.id, active: false });
    for (let i = 0; i < 6; i++) expect((await signIn(email, 'right-password-1')).status).toBe(403);
    await setUserActive(t().db, { userId: u.user.id, active: true });
    expect((await signIn(email, 'right-password-1')).status).toBe(200);
    expect((await auditFor(email)).map((r) => r.outcome)).toEqual([...Array(6).fill('denied'), 'success']);
  });

  describe('per-address failure limit', () => {
    it('a rotating X-Forwarded-For from an untrusted peer neither escapes the limit nor lands in audit_log', async () => {
      setEnv({ SIGN_IN_MAX_FAILURES_PER_ADDRESS: '5' });
      const emails = Array.from({ length: 7 }, (_, i) => newEmail(`spray${i}`));
      const statuses: number[] = [];
      for (const [i, email] of emails.entries()) {
        statuses.push((await signIn(email, 'wrong-password-1', { 'x-forwarded-for': `10.66.0.${i}`, 'x-real-ip': `10.77.0.${i}` })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const rows = (await Promise.all(emails.map(auditFor))).flat();
      expect(rows).toHaveLength(7);
      expect(new Set(rows.map((r) => r.ip))).toEqual(new Set(['127.0.0.1']));
    });

    it('behind a trusted proxy: keyed by the client the proxy reports, whatever the client prepended', async () => {
      setEnv({ SIGN_IN_MAX_FAILURES_PER_ADDRESS: '3', TRUSTED_PROXIES: '127.0.0.1' });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await signIn(newEmail(`p${i}`), 'wrong-password-1', { 'x-forwarded-for': `10.66.0.${i}, 203.0.113.50` })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      // Another client behind the same proxy is not affected.
      const email = newEmail('neighbour');
      await createUser(t().db, { email, role: 'viewer', password: 'right-password-1' });
      expect((await signIn(email, 'right-password-1', { 'x-forwarded-for': '203.0.113.51' })).status).toBe(200);
      expect((await auditFor(email))[0].ip).toBe('203.0.113.51');
    });
  });

  it('refuses a deactivated account and deactivation ends its sessions', async () => {
    const email = newEmail('gone');
    const u = await createUser(t().db, { email, role: 'engineer', password: 'right-password-1' });
    if (!u.ok) throw new Error('user');
    expect((await signIn(email, 'right-password-1')).status).toBe(200);
    expect(await t().db.select().from(session).where(eq(session.userId, u.user.id))).toHaveLength(1);
    const r = await setUserActive(t().db, { userId: u.user.id, active: false });
    expect(r).toMatchObject({ ok: true, endedSessions: 1 });
    expect(await t().db.select().from(session).where(eq(session.userId, u.user.id))).toHaveLength(0);
    expect((await signIn(email, 'right-password-1')).status).toBe(403);
    expect(await t().db.select().from(session).where(eq(session.userId, u.user.id))).toHaveLength(0);
  });

  it('refuses demo accounts in production unless FLIGHTDECK_DEMO=1, before any session exists', async () => {
    const email = `demo-${randomUUID().slice(0, 6)}@flightdeck.local`;
    const u = await createUser(t().db, { email, role: 'admin', password: 'demo-admin-pass' });
    if (!u.ok) throw new Error('user');
    try {
      setEnv({ NODE_ENV: 'production' });
      expect((await signIn(email, 'demo-admin-pass')).status).toBe(403);
      expect(await t().db.select().from(session).where(eq(session.userId, u.user.id))).toHaveLength(0);
      setEnv({ FLIGHTDECK_DEMO: '1' });
      expect((await signIn(email, 'demo-admin-pass')).status).toBe(200);
    } finally {
      setEnv({ NODE_ENV: 'test', FLIGHTDECK_DEMO: undefined });
    }
  });

  it('audits sign-out', async () => {
    const email = newEmail('bye');
    await createUser(t().db, { email, role: 'viewer', password: 'right-password-1' });
    const res = await signIn(email, 'right-password-1');
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const out = await fetch(`${server.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { cookie, origin: base, 'user-agent': 'vitest-agent/1' },
    });
    expect(out.status).toBe(200);
    const rows = await t().db.select().from(auditLog).where(and(eq(auditLog.action, 'auth.sign_out'), eq(auditLog.actorLabel, email)));
    expect(rows).toHaveLength(1);
    expect(rows[0].ip).toBe('127.0.0.1');
  });
});
