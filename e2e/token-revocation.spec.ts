import { randomUUID } from 'node:crypto';
import { expect, signIn, test } from './fixtures';

/**
 * Revoking in Settings → API tokens refuses the token at once on this instance. The revoke runs in the
 * server-action bundle while agents are checked in the route-handler bundle: both must see one token cache.
 */
test('an admin revokes a token; the very next API request with it is 401 and writes nothing', async ({ page }) => {
  const name = `e2e-revoke-${randomUUID().slice(0, 8)}`;
  const userId = `revoke-${randomUUID().slice(0, 8)}`;
  await signIn(page, 'admin');
  await page.goto('/settings/tokens');
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByRole('region', { name: 'New API token' }).getByLabel('API token value').inputValue();

  // A failed tool run per request: the Recent failures CSV then counts exactly the rows each request wrote.
  const send = async () => {
    const res = await page.request.post('/api/v1/tool-executions', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      data: { executionId: randomUUID(), userId, toolName: 'web_search', success: false, errorMessage: 'timeout' },
    });
    return res.status();
  };
  // The agent is busy right up to the revoke, so the API's cached verification is fresh (well inside its 5 s).
  expect(await send()).toBe(200);
  expect(await send()).toBe(200);

  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(page.getByRole('button', { name: `Revoke ${name}` })).toHaveCount(0);
  await expect(page.getByRole('row').filter({ hasText: name }).getByText('revoked', { exact: true })).toBeVisible();

  const after: number[] = [];
  for (let i = 0; i < 5; i++) after.push(await send());
  expect(after).toEqual([401, 401, 401, 401, 401]);

  const csv = await page.request.get(`/overview/export/failures?range=24h&user=${encodeURIComponent(userId)}`);
  expect(csv.status()).toBe(200);
  const rows = (await csv.text()).trim().split(/\r?\n/).slice(1);
  expect(rows).toHaveLength(2);
});
