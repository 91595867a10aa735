import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { expect, test } from './fixtures';
import { startNext, waitUntilReady, type NextProcess } from './next-process';

/**
 * Process tests over the production build: `next start` with the environment an operator might give it.
 * Issue 15 items 1, 2, 13 and issue 16 item 1.
 */
const secret = randomBytes(32).toString('base64');
const production = { BETTER_AUTH_SECRET: secret, APP_URL: 'https://flightdeck.example.com' };
const cannotStart = '[flightdeck] cannot start: Invalid configuration:';

test.describe('bad configuration ends start-up with one line', () => {
  const cases: Array<{ name: string; vars: Record<string, string>; line: string }> = [
    {
      name: 'production without BETTER_AUTH_SECRET',
      vars: { APP_URL: 'https://flightdeck.example.com' },
      line: `${cannotStart} BETTER_AUTH_SECRET is required in production: 32+ random characters (openssl rand -base64 32)`,
    },
    {
      name: 'production without APP_URL',
      vars: { BETTER_AUTH_SECRET: secret },
      line: `${cannotStart} APP_URL is required in production: the URL people open, e.g. https://flightdeck.example.com`,
    },
    {
      name: 'a secret that is too short (its value is not printed)',
      vars: { ...production, BETTER_AUTH_SECRET: 'short-secret-value' },
      line: `${cannotStart} BETTER_AUTH_SECRET must be at least 32 characters`,
    },
    { name: 'DB_POOL_MAX=abc', vars: { ...production, DB_POOL_MAX: 'abc' }, line: `${cannotStart} DB_POOL_MAX="abc" must be a whole number from 1 to 1000` },
    { name: 'DB_POOL_MAX=0', vars: { ...production, DB_POOL_MAX: '0' }, line: `${cannotStart} DB_POOL_MAX="0" must be a whole number from 1 to 1000` },
    {
      name: 'LOG_LEVEL=verbose',
      vars: { ...production, LOG_LEVEL: 'verbose' },
      line: `${cannotStart} LOG_LEVEL="verbose" must be one of fatal, error, warn, info, debug, trace, silent`,
    },
    {
      name: 'DATABASE_URL=notaurl',
      vars: { ...production, DATABASE_URL: 'notaurl' },
      line: `${cannotStart} DATABASE_URL="notaurl" must be a postgres:// or postgresql:// URL (postgres://user:password@host:5432/database)`,
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const p = await startNext(c.vars);
      try {
        const code = await p.exited(45_000);
        const { stderr } = p.output();
        expect(code, `still running after 45 s; stderr:\n${stderr}`).not.toBe(-1);
        expect(code).not.toBe(0);
        expect(stderr.split('\n').filter((l) => l.trim())).toEqual([c.line]);
        expect(stderr).not.toContain('short-secret-value');
      } finally {
        await p.stop();
      }
    });
  }
});

test.describe('without APP_URL (the demo, development)', () => {
  test.describe.configure({ timeout: 150_000 });
  const email = `ops-${randomUUID().slice(0, 8)}@example.com`;
  const password = `e2e-${randomUUID()}`;
  let server: NextProcess;

  test.beforeAll(async () => {
    server = await startNext({
      FLIGHTDECK_DEMO: '1',
      BETTER_AUTH_SECRET: secret,
      FLIGHTDECK_ADMIN_EMAIL: email,
      FLIGHTDECK_ADMIN_PASSWORD: password,
      BACKGROUND_JOBS: '0',
    });
    await waitUntilReady(server);
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  for (const host of ['127.0.0.1', 'localhost']) {
    test(`signing in at http://${host}:<port> works`, async ({ page }) => {
      const origin = `http://${host}:${server.port}`;
      await page.goto(`${origin}/sign-in`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(origin);
    });
  }

  test('a cross-origin server action is answered 403 and logged as a refused request, not an error', async ({ page }) => {
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

    const res = await page.request.fetch(`${server.url}/overview`, {
      method: 'POST',
      headers: { 'next-action': '7f'.padEnd(42, '0'), origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8' },
      data: '[]',
    });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain('Cross-site request refused: origin https://evil.example is not allowed');
    await expect
      .poll(() => server.output().stderr)
      .toContain(`[flightdeck] refused a cross-origin server action: origin https://evil.example on /overview`);
    expect(server.output().stderr).not.toMatch(/Invalid Server Actions request|⨯/);
  });
});

/**
 * The README's production example, as written: every `export` of its block (the database swapped for a fresh one
 * on the test server when TEST_DATABASE_URL is set, else the embedded one; the secret generated as the example's
 * `$(openssl …)` would), then `next start` on the build. It starts, and its admin signs in from the APP_URL origin
 * with a Secure, HttpOnly cookie and no token in the body.
 */
test.describe("the README's production example", () => {
  test.describe.configure({ timeout: 150_000 });
  let server: NextProcess | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  test.afterAll(async () => {
    await server?.stop();
    await dropDatabase?.();
  });

  test('starts as written and signs its admin in with a Secure cookie', async () => {
    const readme = fs.readFileSync(path.resolve('README.md'), 'utf8');
    const block = /## Running against a real Postgres\s+```bash\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has a production example block').toBeTruthy();
    const vars: Record<string, string> = {};
    for (const line of block!.split('\n')) {
      const body = line.replace(/\s+#.*$/, '').trim();
      if (!body.startsWith('export ')) continue;
      for (const m of body.slice('export '.length).matchAll(/([A-Z_]+)=(\$\([^)]*\)|'[^']*'|"[^"]*"|\S*)/g)) {
        const raw = m[2].replace(/^(['"])(.*)\1$/, '$2');
        vars[m[1]] = raw === '$(openssl rand -base64 32)' ? randomBytes(32).toString('base64') : raw;
      }
    }
    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'BETTER_AUTH_SECRET', 'APP_URL', 'TRUSTED_PROXIES', 'OUTBOUND_ALLOWED_HOSTS']),
    );
    const base = process.env.TEST_DATABASE_URL;
    if (base) {
      const name = `fd_e2e_readme_${Date.now().toString(36)}`;
      const admin = postgres(base, { max: 1, onnotice: () => {} });
      await admin.unsafe(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(base);
      u.pathname = `/${name}`;
      vars.DATABASE_URL = u.toString();
      dropDatabase = async () => {
        const a = postgres(base, { max: 1, onnotice: () => {} });
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      };
    } else {
      delete vars.DATABASE_URL;
    }
    server = await startNext({ ...vars, BACKGROUND_JOBS: '0' });
    await waitUntilReady(server);

    const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: vars.APP_URL },
      body: JSON.stringify({ email: vars.FLIGHTDECK_ADMIN_EMAIL, password: vars.FLIGHTDECK_ADMIN_PASSWORD }),
      signal: AbortSignal.timeout(15_000),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.includes('session_token')) ?? '';
    expect(cookie).toMatch(/^__Secure-/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(JSON.stringify(await res.json())).not.toMatch(/"token"/);
  });
});
