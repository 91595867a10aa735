import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '@/lib/db/client';
import { apiTokens } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { describeEachDb } from '@/lib/test/db';

/** API tokens at rest and at the door: hashed, revocable, expiring, rate-limited; cookie calls same-origin only. */
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  session: null as null | { user: Record<string, unknown>; session: Record<string, unknown> },
}));
vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('@/lib/auth/auth', () => ({ getAuth: async () => ({ api: { getSession: async () => state.session } }) }));
vi.mock('@/lib/db/client', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/lib/db/client')>();
  return { ...m, getDb: async () => state.db };
});

const { errorResponse, guardedRoute } = await import('./guards');
const { TimeoutError } = await import('@/lib/db/errors');
const { resetTokenRateLimits } = await import('./rate-limit');
const { authenticateToken, createApiToken, hashToken, revokeApiToken } = await import('./tokens');

const url = 'http://localhost:3000/api/v1/sessions';
const route = guardedRoute({ permission: 'console:read', scopes: ['read'] }, async ({ actor }) => Response.json({ kind: actor.kind }));
const call = (headers: Record<string, string>) => route(new Request(url, { method: 'POST', headers }), { params: Promise.resolve({}) });

afterEach(() => {
  delete process.env.API_RATE_LIMIT_PER_MINUTE;
  resetEnvCache();
  resetTokenRateLimits();
  state.session = null;
});

describe('route errors', () => {
  // As Drizzle throws them: a DrizzleQueryError-like wrapper with the driver error as its cause.
  const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: select 1'), { cause });
  const driver = (code: string, name = 'Error') => Object.assign(new Error(code), { code, name });

  it('answers 503 with Retry-After when the database is down, restarting or out of connections', async () => {
    for (const err of [
      wrapped(driver('ECONNREFUSED')),
      wrapped(driver('57P03', 'PostgresError')),
      wrapped(driver('CONNECTION_CLOSED')),
      wrapped(new TimeoutError({ poolSize: 4, inFlight: 4, waiting: 9, waitedMs: 2000 })),
    ]) {
      const res = errorResponse(err);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await res.json()).error.code).toBe('unavailable');
    }
  });

  it('still answers 500 for a bug', async () => {
    for (const err of [new TypeError('x is undefined'), wrapped(driver('42703', 'PostgresError'))]) {
      const res = errorResponse(err);
      expect(res.status).toBe(500);
      expect(res.headers.get('retry-after')).toBeNull();
    }
  });
});

describeEachDb('API tokens and route guard', (t) => {
  beforeAll(() => {
    state.db = t().db;
  });

  it('stores only a hash: no column of the table holds the token or its secret part', async () => {
    const { token, record } = await createApiToken(t().db, { name: `hash-${randomUUID()}`, scopes: ['read'] });
    const [row] = await queryRows<Record<string, unknown>>(t().db, sql`SELECT * FROM api_tokens WHERE id = ${record.id}`);
    const secret = token.split('_').slice(2).join('_');
    const dump = JSON.stringify(row);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(secret);
    expect(row.token_hash).toBe(hashToken(token));
    expect(String(row.prefix).length).toBeLessThan(token.length / 2);
  });

  it('accepts a live token and refuses a revoked or an expired one with 401', async () => {
    const live = await createApiToken(t().db, { name: 'live', scopes: ['read'] });
    expect((await call({ authorization: `Bearer ${live.token}` })).status).toBe(200);

    await revokeApiToken(t().db, { id: live.record.id, revokedBy: 'test' });
    expect(await authenticateToken(t().db, `Bearer ${live.token}`)).toEqual({ ok: false, reason: 'revoked' });
    const revoked = await call({ authorization: `Bearer ${live.token}` });
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error.message).toMatch(/revoked/);

    const old = await createApiToken(t().db, { name: 'old', scopes: ['read'], expiresAt: new Date(Date.now() - 1000) });
    expect(await authenticateToken(t().db, `Bearer ${old.token}`)).toEqual({ ok: false, reason: 'expired' });
    expect((await call({ authorization: `Bearer ${old.token}` })).status).toBe(401);
  });

  it('a token revoked by another instance stops working within TOKEN_CACHE_TTL_MS', async () => {
    const { TOKEN_CACHE_TTL_MS } = await import('./tokens');
    const { token, record } = await createApiToken(t().db, { name: 'elsewhere', scopes: ['read'] });
    expect((await call({ authorization: `Bearer ${token}` })).status).toBe(200);
    // Another app instance revokes it: this instance's cache does not know yet.
    await t().db.update(apiTokens).set({ revokedAt: new Date(), revokedBy: 'other-instance' }).where(eq(apiTokens.id, record.id));
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      expect((await call({ authorization: `Bearer ${token}` })).status).toBe(200);
      vi.setSystemTime(Date.now() + TOKEN_CACHE_TTL_MS + 1);
      const refused = await call({ authorization: `Bearer ${token}` });
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.message).toMatch(/revoked/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('records when a token was last used', async () => {
    const { token, record } = await createApiToken(t().db, { name: 'used', scopes: ['read'] });
    await call({ authorization: `Bearer ${token}` });
    const [row] = await t().db.select().from(apiTokens).where(eq(apiTokens.id, record.id));
    expect(row.lastUsedAt).toBeInstanceOf(Date);
  });

  it('answers 429 with Retry-After once a token exceeds API_RATE_LIMIT_PER_MINUTE, without affecting other tokens', async () => {
    process.env.API_RATE_LIMIT_PER_MINUTE = '3';
    resetEnvCache();
    const a = await createApiToken(t().db, { name: 'busy', scopes: ['read'] });
    const b = await createApiToken(t().db, { name: 'quiet', scopes: ['read'] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call({ authorization: `Bearer ${a.token}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call({ authorization: `Bearer ${a.token}` });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await limited.json()).error.code).toBe('rate_limited');
    expect((await call({ authorization: `Bearer ${b.token}` })).status).toBe(200);
  });

  it('refuses cookie calls from another site by Sec-Fetch-Site, or by Origin when that header is absent', async () => {
    state.session = { user: { id: 'u1', email: 'v@example.com', name: 'v', role: 'viewer' }, session: {} };
    expect((await call({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await call({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await call({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await call({ origin: 'null' })).status).toBe(403);
    expect((await call({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await call({ origin: 'http://localhost:3000' })).status).toBe(200);
    // Neither header: not a browser, so not a cross-site forgery.
    expect((await call({})).status).toBe(200);
  });
});
