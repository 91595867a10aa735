import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { describeEachDb } from '@/lib/test/db';
import { createAuth } from './auth';
import { checkRequestOrigin } from './origin';
import { createUser } from './users';

/**
 * One origin policy for Better Auth's sign-in and the app's own cookie-call checks (issue 15, item 2); what a
 * sign-in answers: cookie flags, no token in the body (item 6).
 */
const saved = { ...process.env };

function useEnv(vars: Record<string, string | undefined>) {
  process.env = { ...saved, BETTER_AUTH_SECRET: 'test-secret-test-secret-test-secret-0123', PORT: '3221' };
  delete process.env.APP_URL;
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) process.env[k] = v;
  resetEnvCache();
}

afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

const request = (url: string, headers: Record<string, string>) => ({ url, headers: new Headers(headers) });

describe('checkRequestOrigin', () => {
  it.each([
    // [APP_URL, address the browser used (Host), Origin header, Sec-Fetch-Site, allowed?]
    [undefined, '127.0.0.1:3221', 'http://127.0.0.1:3221', 'same-origin', true],
    [undefined, 'localhost:3221', 'http://localhost:3221', 'same-origin', true],
    [undefined, '127.0.0.1:3221', 'http://localhost:3221', 'same-site', true],
    [undefined, '127.0.0.1:3221', 'https://evil.example', 'cross-site', false],
    [undefined, '127.0.0.1:3221', 'null', undefined, false],
    [undefined, '127.0.0.1:3221', undefined, 'cross-site', false],
    [undefined, '127.0.0.1:3221', undefined, 'same-origin', true],
    [undefined, '127.0.0.1:3221', undefined, undefined, true],
    ['https://fd.example.com', 'fd.example.com', 'https://fd.example.com', 'same-origin', true],
    // Under APP_URL only its origin counts, even for a page opened at another name of the same server.
    ['https://fd.example.com', '127.0.0.1:3221', 'http://127.0.0.1:3221', 'same-origin', false],
    ['https://fd.example.com', 'fd.example.com', 'http://fd.example.com', 'same-origin', false],
  ])('APP_URL=%s host=%s origin=%s site=%s → %s', (appUrl, host, origin, site, allowed) => {
    useEnv({ APP_URL: appUrl });
    const headers: Record<string, string> = { host };
    if (origin) headers.origin = origin;
    if (site) headers['sec-fetch-site'] = site;
    expect(checkRequestOrigin(request(`http://${host}/overview`, headers)).ok).toBe(allowed);
  });

  it('names the refused origin and the allowed ones', () => {
    useEnv({ APP_URL: 'http://localhost:3221' });
    expect(checkRequestOrigin(request('http://127.0.0.1:3221/', { host: '127.0.0.1:3221', origin: 'http://127.0.0.1:3221' }))).toEqual({
      ok: false,
      origin: 'http://127.0.0.1:3221',
      allowed: ['http://localhost:3221'],
    });
  });
});

describeEachDb('sign-in origin policy (Better Auth handler)', (t) => {
  const email = `origin-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'right-password-1';
  beforeAll(async () => {
    await createUser(t().db, { email, role: 'engineer', password });
  });

  const signInAt = (origin: string) => {
    const host = new URL(origin).host;
    return createAuth(t().db).handler(
      new Request(`${origin}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', host, origin, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
        body: JSON.stringify({ email, password }),
      }),
    );
  };

  it('signs in at http://127.0.0.1:<port> like at http://localhost:<port> when APP_URL is unset', async () => {
    useEnv({});
    for (const origin of ['http://localhost:3221', 'http://127.0.0.1:3221']) {
      const res = await signInAt(origin);
      expect(res.status, origin).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/session_token=/);
    }
  });

  it('refuses another origin than APP_URL with INVALID_ORIGIN, which the form shows as such', async () => {
    useEnv({ APP_URL: 'http://localhost:3221' });
    const res = await signInAt('http://127.0.0.1:3221');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'INVALID_ORIGIN' });
  });

  it('does not echo the session token in the response body; the cookie carries it', async () => {
    useEnv({});
    const res = await signInAt('http://localhost:3221');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('token');
    expect(body).toMatchObject({ user: { email } });
    const cookieToken = decodeURIComponent(/session_token=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]).split('.')[0];
    expect(JSON.stringify(body)).not.toContain(cookieToken);
  });

  it('sets a Secure (__Secure-) session cookie under the README production example (APP_URL=https://…)', async () => {
    useEnv({ NODE_ENV: 'production', APP_URL: 'https://flightdeck.example.com' });
    const res = await signInAt('https://flightdeck.example.com');
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.includes('session_token='))!;
    expect(cookie).toMatch(/^__Secure-better-auth\.session_token=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
  });
});
