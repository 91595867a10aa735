import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, resetEnvCache } from '@/lib/env';
import { describeEachDb } from '@/lib/test/db';
import { createAuth } from './auth';
import { demoUsers } from './demo-users';
import { checkPassword } from './password-policy';
import { countUsers, createFirstAdmin, createUser, ensureFirstAdmin } from './users';

const ada = { email: 'ada.lovelace@example.com', name: 'Ada Lovelace' };

describe('checkPassword', () => {
  it.each([
    ['password1234', /commonly used password/],
    ['qwertyuiop12', /commonly used password/],
    ['aaaaaaaaaaaa', /Repeated characters/],
    ['ada.lovelace@example.com', /built from your email or name/],
    ['adalovelace123', /built from your email or name/],
    ['short-pw', /At least 12 characters/],
  ])('refuses %s, saying why', (password, why) => {
    const r = checkPassword(password, ada);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(why);
  });

  it.each(['correct-horse-battery', 'Tr0ub4dor&3xyz', 'right-password-1'])('accepts %s', (password) => {
    expect(checkPassword(password, ada)).toEqual({ ok: true });
  });

  it('accepts the published demo passwords for their own users', () => {
    for (const u of demoUsers) expect(checkPassword(u.password, u), u.email).toEqual({ ok: true });
  });
});

describeEachDb('password rule where passwords are set', (t) => {
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.BETTER_AUTH_SECRET = 'test-secret-test-secret-test-secret-0123';
    process.env.APP_URL = 'http://localhost:3000';
    resetEnvCache();
  });
  afterAll(() => {
    process.env = saved;
    resetEnvCache();
  });

  it('a weak FLIGHTDECK_ADMIN_PASSWORD ends start-up with one line naming it', async () => {
    expect(await countUsers(t().db)).toBe(0); // first in this file: the database is still empty
    const err = await ensureFirstAdmin(t().db, 'ops@example.com', 'password1234').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^Invalid configuration: FLIGHTDECK_ADMIN_PASSWORD is refused: Too easy to guess/);
    expect(await countUsers(t().db)).toBe(0);
  });

  it('createUser and createFirstAdmin refuse a weak password and write nothing', async () => {
    const email = `weak-${randomUUID().slice(0, 8)}@example.com`;
    const before = await countUsers(t().db);
    expect(await createUser(t().db, { email, role: 'viewer', password: 'password1234' })).toMatchObject({
      ok: false,
      reason: 'weak_password',
      message: expect.stringMatching(/commonly used password/),
    });
    expect(await createUser(t().db, { email, role: 'viewer', password: `${email}!` })).toMatchObject({ reason: 'weak_password' });
    expect(await createFirstAdmin(t().db, { email, password: 'password1234' })).toMatchObject({ reason: 'weak_password' });
    expect(await countUsers(t().db)).toBe(before);
  });

  it("Better Auth's change-password endpoint meets the same rule", async () => {
    const auth = createAuth(t().db);
    const email = `change-${randomUUID().slice(0, 8)}@example.com`;
    await createUser(t().db, { email, role: 'viewer', password: 'right-password-1' });
    const base = 'http://localhost:3000/api/auth';
    const json = { 'content-type': 'application/json', origin: 'http://localhost:3000' };
    const signIn = await auth.handler(
      new Request(`${base}/sign-in/email`, { method: 'POST', headers: json, body: JSON.stringify({ email, password: 'right-password-1' }) }),
    );
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const change = (newPassword: string) =>
      auth.handler(
        new Request(`${base}/change-password`, {
          method: 'POST',
          headers: { ...json, cookie },
          body: JSON.stringify({ currentPassword: 'right-password-1', newPassword }),
        }),
      );
    const weak = await change('password1234');
    expect(weak.status).toBe(400);
    expect((await weak.json()).message).toMatch(/^newPassword: Too easy to guess/);
    const own = await change(`${email}1`);
    expect(own.status).toBe(400);
    expect((await change('tr4il-m1xer-kettle')).status).toBe(200);
  });
});
