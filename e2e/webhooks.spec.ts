import { expect, signIn, test } from './fixtures';

/** Settings → Notifications over the production build: who may add a webhook, where to, and the secret shown once. */
test.describe('webhook rules', () => {
  test('an engineer is refused a loopback URL, adds a public one, sees its secret once, and rotates it', async ({ page }) => {
    await signIn(page, 'engineer');
    await page.goto('/settings/notifications');
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Channel').selectOption('webhook');
    // A project no pause uses: the server's worker never tries to deliver this rule during the suite.
    await form.getByLabel(/Projects/).fill('e2e-webhook-never');
    await form.getByLabel('Webhook URL').fill('http://127.0.0.1:9/hook');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(form.getByText('address 127.0.0.1 is private/loopback; allow it with OUTBOUND_ALLOWED_HOSTS')).toBeVisible();

    // The refused URL stays in the field to be corrected.
    await expect(form.getByLabel('Webhook URL')).toHaveValue('http://127.0.0.1:9/hook');
    await form.getByLabel('Webhook URL').fill('https://93.184.215.14/e2e-hook');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const secret = page.getByTestId('webhook-secret');
    await expect(secret).toHaveText(/^whsec_[0-9a-f]{48}$/);
    const first = await secret.textContent();

    // A later visit shows that a secret exists, never the secret.
    await page.reload();
    const rule = page.getByRole('form', { name: 'Rule https://93.184.215.14/e2e-hook' });
    await expect(rule.getByText(/shown only when it was created/)).toBeVisible();
    await expect(page.getByTestId('webhook-secret')).toHaveCount(0);
    expect(await page.content()).not.toContain(first!);

    await page.getByRole('button', { name: 'Rotate secret' }).first().click();
    await expect(page.getByTestId('webhook-secret')).toHaveText(/^whsec_[0-9a-f]{48}$/);
    expect(await page.getByTestId('webhook-secret').textContent()).not.toBe(first);
  });

  test('a viewer cannot pick the webhook channel', async ({ page }) => {
    await signIn(page, 'viewer');
    await page.goto('/settings/notifications');
    const option = page.getByRole('form', { name: 'New rule' }).getByRole('option', { name: /Webhook/ });
    await expect(option).toBeDisabled();
    await expect(option).toHaveText('Webhook (engineers and admins)');
  });
});
