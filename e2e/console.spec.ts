import { expect, signIn, test } from './fixtures';

const pages = [
  { path: '/overview', heading: 'Overview' },
  { path: '/interventions', heading: 'Interventions' },
  { path: '/sessions', heading: 'Sessions' },
  { path: '/recoveries', heading: 'Recoveries' },
  { path: '/tools', heading: 'Tools' },
  { path: '/database', heading: 'Database' },
  { path: '/checklists', heading: 'Checklists' },
  { path: '/settings', heading: 'Settings' },
];

test('a signed-out visitor is sent to sign-in', async ({ page }) => {
  await page.goto('/interventions');
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});

test('a wrong password is refused with a message', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('engineer@flightdeck.local');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /wrong|attempts/i })).toBeVisible();
});

test('an engineer reaches every console page from the navigation', async ({ page }) => {
  await signIn(page, 'engineer');
  for (const p of pages) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: p.heading, exact: false }).first().click();
    await expect(page).toHaveURL(new RegExp(`${p.path}$`));
    await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
  }
});

test('every page names an icon the server has (no favicon 404)', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto('/overview');
  const href = await page.locator('link[rel="icon"]').first().getAttribute('href');
  expect(href).toBeTruthy();
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('image/svg+xml');
});
