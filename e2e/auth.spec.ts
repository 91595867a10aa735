import { randomUUID } from 'node:crypto';
import { demoUsers } from '../lib/auth/demo-users';
import { api, expect, signIn, test } from './fixtures';

/** Issue 4 in the browser: roles see only what they may do, forged calls are refused, limits hold, tokens show once. */

test('QA sees no Resume button on the Interventions page', async ({ page }) => {
  await signIn(page, 'qa');
  await page.goto('/interventions');
  await expect(page.getByRole('heading', { level: 1, name: 'Interventions' })).toBeVisible();
  await expect(page.getByRole('button', { name: /resume/i })).toHaveCount(0);
});

test('QA sees an active pause without a Resume button, and a forged resume is refused', async ({ page, browser, baseURL }) => {
  const project = `e2e-${randomUUID().slice(0, 8)}`;
  const reason = `blocked ${randomUUID().slice(0, 8)}`;
  const created = await api<{ session: { id: string } }>(page, 'POST', '/api/v1/sessions', { project, agent: 'coder', externalId: randomUUID() });
  expect(created.status).toBe(201);
  const sessionId = created.json.session.id;
  const paused = await api(page, 'POST', `/api/v1/sessions/${sessionId}/pause`, { reason, pauseType: 'blocker' });
  expect(paused.status).toBe(201);

  // An engineer's real Resume request for this pause, captured and stopped before it reaches the server.
  const engContext = await browser.newContext();
  const eng = await engContext.newPage();
  await signIn(eng, 'engineer');
  await eng.goto(`/interventions?project=${project}`);
  await eng.getByRole('button', { name: `Details for ${project} / coder` }).click();
  const panel = eng.getByRole('region', { name: `Intervention ${project} / coder` });
  // The panel loads its checkpoints through a server action on mount; the next action call is the Resume.
  await expect(panel.getByText('No valid checkpoint to restore from.')).toBeVisible();
  await eng.route(
    (url) => url.pathname === '/interventions',
    (route) => (route.request().method() === 'POST' && route.request().headers()['next-action'] ? route.abort() : route.continue()),
  );
  const resumeRequest = eng.waitForRequest((r) => r.method() === 'POST' && !!r.headers()['next-action']);
  await eng.getByRole('button', { name: `Resume ${project} / coder` }).click();
  await eng.getByRole('dialog', { name: `Resume ${project} / coder?` }).getByRole('button', { name: 'Resume', exact: true }).click();
  const captured = await resumeRequest;
  const headers = captured.headers();
  const replay = (ctx: typeof page) =>
    ctx.request.fetch(captured.url(), {
      method: 'POST',
      headers: { 'next-action': headers['next-action'], 'content-type': headers['content-type'], accept: 'text/x-component', origin: baseURL! },
      data: captured.postDataBuffer() ?? undefined,
    });

  await signIn(page, 'qa');
  await page.goto(`/interventions?project=${project}`);
  const row = page.getByRole('row').filter({ hasText: reason });
  await expect(row).toBeVisible();
  await expect(page.getByRole('button', { name: /resume/i })).toHaveCount(0);

  // QA replays the engineer's exact request with QA's own session cookie (same origin): refused, nothing changes.
  const forged = await replay(page);
  expect(await forged.text()).toContain('not allowed');
  await page.reload();
  await expect(page.getByRole('row').filter({ hasText: reason })).toBeVisible();
  const stillWaiting = await api<{ decision: { action: string } }>(page, 'GET', `/api/v1/sessions/${sessionId}/control`);
  expect(stillWaiting.json.decision.action).toBe('wait');

  // The same request with the engineer's cookie is a valid resume: the refusal was the role, not the request.
  const genuine = await replay(eng);
  expect(genuine.status()).toBe(200);
  expect(await genuine.text()).not.toContain('not allowed');
  const resumed = await api<{ decision: { action: string } }>(page, 'GET', `/api/v1/sessions/${sessionId}/control`);
  expect(resumed.json.decision.action).toBe('resume');
  await engContext.close();
});

test('rapid failed sign-ins for an account meet a growing delay; a forged X-Forwarded-For is not believed', async ({ page }) => {
  const email = `nobody-${randomUUID().slice(0, 8)}@example.com`;
  // The server has no TRUSTED_PROXIES: this header must neither key the limits nor reach the audit log.
  await page.setExtraHTTPHeaders({ 'x-forwarded-for': '203.0.113.66' });
  await page.goto('/sign-in');
  // The form's message; Next's route announcer is an (empty) alert too.
  const alert = page.getByRole('alert').filter({ hasText: /\S/ });
  const attempt = async (i: number) => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(`wrong-password-${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  };
  // Three failures are free (typos); the delay then grows 1, 2, 4 … s, so a burst meets it within a few tries.
  for (let i = 1; i <= 4; i++) {
    await attempt(i);
    await expect(alert).toContainText(/wrong/i);
  }
  let failures = 4;
  for (let i = 5; i <= 9; i++) {
    await attempt(i);
    if (/too many attempts/i.test((await alert.textContent()) ?? '')) break;
    failures++;
  }
  await expect(alert).toContainText(/too many attempts/i);
  // The admin's audit page shows the failures and the one refusal, from the real (loopback) address.
  await page.setExtraHTTPHeaders({});
  await signIn(page, 'admin');
  await page.goto(`/settings/audit?target=${encodeURIComponent(`account:${email}`)}`);
  await expect(page.getByRole('cell', { name: 'failure', exact: true })).toHaveCount(failures);
  await expect(page.getByRole('cell', { name: 'denied', exact: true })).toHaveCount(1);
  await expect(page.getByRole('cell', { name: /^(127\.0\.0\.1|::1) / })).toHaveCount(failures + 1);
  await expect(page.getByText('203.0.113.66')).toHaveCount(0);
});

test('an admin creates an API token and sees it once; QA replaying that server action is refused', async ({ page, browser, baseURL }) => {
  const name = `e2e-token-${randomUUID().slice(0, 8)}`;
  await signIn(page, 'admin');
  await page.goto('/settings/tokens');
  await page.getByLabel('Name').fill(name);
  const actionRequest = page.waitForRequest((r) => r.method() === 'POST' && !!r.headers()['next-action']);
  await page.getByRole('button', { name: 'Create token' }).click();
  const captured = await actionRequest;

  const box = page.getByRole('region', { name: 'New API token' });
  const value = await box.getByLabel('API token value').inputValue();
  expect(value).toMatch(/^fd_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{32}$/);
  await expect(page.getByRole('cell', { name, exact: true })).toBeVisible();

  // Shown once: after a reload only the name and prefix remain.
  await page.reload();
  await expect(page.getByRole('region', { name: 'New API token' })).toHaveCount(0);
  await expect(page.getByRole('cell', { name, exact: true })).toHaveCount(1);
  expect(await page.content()).not.toContain(value);

  // A forged call: QA replays the admin's exact server-action request with QA's own session cookie.
  const qaContext = await browser.newContext();
  const qa = await qaContext.newPage();
  await signIn(qa, 'qa');
  const headers = captured.headers();
  const forged = await qa.request.fetch('/settings', {
    method: 'POST',
    headers: {
      'next-action': headers['next-action'],
      'content-type': headers['content-type'],
      accept: 'text/x-component',
      origin: baseURL!,
    },
    data: captured.postDataBuffer() ?? undefined,
  });
  expect(await forged.text()).toContain('not allowed');
  await qaContext.close();

  await page.reload();
  await expect(page.getByRole('cell', { name, exact: true })).toHaveCount(1);
});

test('the one-time set-up page is gone once users exist', async ({ page }) => {
  const res = await page.goto('/setup');
  expect(res?.status()).toBe(404);
});

/** Issue 15: open redirect (item 5), refused origin (item 2), no token in the body (item 6), nonce CSP (item 16). */

for (const next of ['/\\evil.example/x', '/%09/evil.example/x', '/.//evil.example/x']) {
  test(`sign-in?next=${next} stays on this origin`, async ({ page, baseURL }) => {
    const u = demoUsers.find((d) => d.role === 'viewer')!;
    // Anything that tries to leave for evil.example is stopped and remembered.
    const leaks: string[] = [];
    await page.context().route((url) => url.hostname.endsWith('evil.example'), (route) => {
      leaks.push(route.request().url());
      return route.abort();
    });
    await page.goto(`/sign-in?next=${next}`);
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel('Password').fill(u.password);
    const signedIn = page.waitForResponse((r) => r.url().endsWith('/api/auth/sign-in/email'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    const body = (await (await signedIn).json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('token');
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    expect(new URL(page.url()).pathname).toBe('/overview');
    expect(leaks).toEqual([]);
  });
}

test('a signed-in visit to /sign-in?next=//evil.example goes to the console, not to evil.example', async ({ page, baseURL }) => {
  await signIn(page, 'viewer');
  await page.goto('/sign-in?next=//evil.example/x');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
});

test('signing in at another address than APP_URL says the origin was refused, naming the right address', async ({ page, baseURL }) => {
  // The suite's server has APP_URL=http://localhost:<port>; 127.0.0.1 reaches the same server under another origin.
  const other = baseURL!.replace('localhost', '127.0.0.1');
  const u = demoUsers.find((d) => d.role === 'viewer')!;
  await page.goto(`${other}/sign-in`);
  await page.getByLabel('Email').fill(u.email);
  await page.getByLabel('Password').fill(u.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert').filter({ hasText: /\S/ });
  await expect(alert).toHaveText(
    `Sign-in refused: this server does not accept sign-ins from ${new URL(other).origin}. Open ${new URL(baseURL!).origin}/sign-in instead.`,
  );
  await expect(alert).not.toContainText(/password/i);
});

test('pages carry a nonce CSP without unsafe-inline scripts and run without a single violation', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const policies: string[] = [];
  const visit = async (path: string) => {
    const res = await page.goto(path);
    const csp = res!.headers()['content-security-policy'] ?? '';
    policies.push(csp);
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
    expect(scriptSrc, path).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(scriptSrc, path).toContain("'strict-dynamic'");
    expect(scriptSrc, path).not.toContain("'unsafe-inline'");
  };
  await visit('/sign-in');
  // The form works, so the page's scripts ran under the policy.
  await signIn(page, 'admin');
  for (const path of ['/overview', '/interventions', '/sessions', '/recoveries', '/tools', '/checklists', '/database', '/settings']) {
    await visit(path);
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  }
  expect(violations).toEqual([]);
  // A fresh nonce per response.
  const nonces = policies.map((p) => /'nonce-([^']+)'/.exec(p)![1]);
  expect(new Set(nonces).size).toBe(nonces.length);
});
