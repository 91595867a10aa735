import { randomBytes, randomUUID } from 'node:crypto';
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
