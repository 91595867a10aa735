import { randomUUID } from 'node:crypto';
import { api, expect, signIn, test } from './fixtures';

/** Issue 4 in the browser: roles see only what they may do, forged calls are refused, limits hold, tokens show once. */

test('QA sees no Resume button on the Interventions page', async ({ page }) => {
  await signIn(page, 'qa');
  await page.goto('/interventions');
  await expect(page.getByRole('heading', { level: 1, name: 'Interventions' })).toBeVisible();
  await expect(page.getByRole('button', { name: /resume/i })).toHaveCount(0);
});

// TODO(lead): enable once the agent API lands in main: POST /api/v1/sessions and
// POST /api/v1/sessions/{id}/pause (create the pause), POST /api/v1/sessions/{id}/resume and the Resume server
// action in app/(console)/interventions/actions.ts (the forged calls). Until then this would 404, not prove a refusal.
test.fixme('QA sees an active pause without a Resume button, and a forged resume is refused', async ({ page }) => {
  const created = await api<{ id: string }>(page, 'POST', '/api/v1/sessions', {
    project: `e2e-${randomUUID().slice(0, 8)}`,
    agentName: 'coder',
    externalId: randomUUID(),
  });
  expect(created.status).toBeLessThan(300);
  const paused = await api(page, 'POST', `/api/v1/sessions/${created.json.id}/pause`, { reason: 'blocked', pauseType: 'blocker' });
  expect(paused.status).toBeLessThan(300);

  await signIn(page, 'qa');
  await page.goto('/interventions');
  await expect(page.getByText('blocked').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /resume/i })).toHaveCount(0);

  // A forged resume with QA's own cookie (same origin) is refused by the route's guard, and nothing changes.
  const forged = await page.request.post(`/api/v1/sessions/${created.json.id}/resume`, { data: {} });
  expect(forged.status()).toBe(403);
  await page.reload();
  await expect(page.getByText('blocked').first()).toBeVisible();
});

test('the 6th rapid failed sign-in for an account is refused', async ({ page }) => {
  const email = `nobody-${randomUUID().slice(0, 8)}@example.com`;
  await page.goto('/sign-in');
  const alert = page.getByRole('alert');
  for (let i = 1; i <= 6; i++) {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(`wrong-password-${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    await expect(alert).toContainText(i < 6 ? /wrong/i : /too many attempts/i);
  }
  // The admin's audit page shows the five failures and the refusal.
  await signIn(page, 'admin');
  await page.goto(`/settings/audit?target=${encodeURIComponent(`account:${email}`)}`);
  await expect(page.getByRole('cell', { name: 'failure', exact: true })).toHaveCount(5);
  await expect(page.getByRole('cell', { name: 'denied', exact: true })).toHaveCount(1);
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
