import { expect, signIn, test } from './fixtures';

test('an engineer sees the health verdict and the pool figures, live, for a chosen time range', async ({ page }) => {
  await signIn(page, 'engineer');
  await page.goto('/database');
  await expect(page.getByRole('heading', { level: 1, name: 'Database' })).toBeVisible();

  const health = page.getByRole('region', { name: 'Health verdict' });
  await expect(health.getByTestId('health-verdict')).toHaveText(/^(Healthy|Degraded|Unavailable)$/);

  const pool = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Connection pool' }) });
  await expect(pool.getByText('Pool size', { exact: true })).toBeVisible();
  await expect(pool.getByRole('meter', { name: 'In flight' })).toBeVisible();
  await expect(pool.getByRole('meter', { name: 'Utilisation' })).toBeVisible();
  await expect(pool.getByText(/^\d+ \/ \d+$/)).toBeVisible();

  // The cards poll the metrics endpoint with the session cookie.
  const poll = await page.waitForResponse((r) => r.url().includes('/api/metrics/database') && r.request().method() === 'GET');
  expect(poll.status()).toBe(200);

  await page.getByRole('navigation', { name: 'Time range' }).getByRole('link', { name: '6 h' }).click();
  await expect(page).toHaveURL(/\/database\?range=6h$/);
  await expect(page.getByRole('heading', { name: 'Retries' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Server activity' })).toBeVisible();
});

test('a viewer is refused the Database page and its JSON endpoint', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto('/database');
  await expect(page).toHaveURL(/\/forbidden/);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();

  const res = await page.request.get('/api/metrics/database');
  expect(res.status()).toBe(403);
  const body = (await res.json()) as { error: { code: string } };
  expect(body.error.code).toBeTruthy();
});
