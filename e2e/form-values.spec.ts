import { randomUUID } from 'node:crypto';
import { expect, signIn, test } from './fixtures';

/**
 * A refused save keeps what was typed. React 19 resets a form after its action whatever the answer, so before
 * components/ui/use-form-action.ts these forms showed the error beside fields that had gone back to the page's
 * values (or to empty). A successful save of an "add" form still empties it.
 */
test.describe('a refused save keeps the typed values', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, 'admin');
  });

  test('Settings → Projects: the add form', async ({ page }) => {
    const project = `e2e-keep-${randomUUID().slice(0, 6)}`;
    await page.goto('/settings/projects');
    const form = page.getByRole('form', { name: 'A project by name' });
    await form.getByLabel('Project').fill(project);
    await form.getByLabel('Heartbeat timeout (s)').fill('0');
    await form.getByLabel('Per day, USD').fill('12.5');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByText('Must be greater than 0')).toBeVisible();
    await expect(form.getByLabel('Project')).toHaveValue(project);
    await expect(form.getByLabel('Heartbeat timeout (s)')).toHaveValue('0');
    await expect(form.getByLabel('Per day, USD')).toHaveValue('12.5');

    // Corrected and saved: the project's own form shows the values, the add form is empty again.
    await form.getByLabel('Heartbeat timeout (s)').fill('90');
    await form.getByRole('button', { name: 'Save' }).click();
    const own = page.getByRole('form', { name: `Settings of ${project}` });
    await expect(own.getByLabel('Heartbeat timeout (s)')).toHaveValue('90');
    await expect(own.getByLabel('Per day, USD')).toHaveValue('12.5');
    await expect(form.getByLabel('Project')).toHaveValue('');

    // The project's own form keeps a refused edit too, instead of going back to the saved 90.
    await own.getByLabel('Heartbeat timeout (s)').fill('-3');
    await own.getByRole('button', { name: 'Save' }).click();
    await expect(own.getByRole('alert')).toBeVisible();
    await expect(own.getByLabel('Heartbeat timeout (s)')).toHaveValue('-3');
  });

  test('Settings → Integrations: the fleet channel webhook URL', async ({ page }) => {
    await page.goto('/settings/integrations');
    const url = page.getByLabel(/Fleet channel incoming webhook URL/);
    await url.fill('hooks.slack.com/no-scheme');
    await page.getByRole('button', { name: 'Save' }).click();
    // (The page has a second, empty alert: Next's route announcer.)
    await expect(page.getByRole('alert').filter({ hasText: 'Enter an https:// URL' })).toBeVisible();
    await expect(url).toHaveValue('hooks.slack.com/no-scheme');
  });

  test('Settings → Notifications: your Slack member ID', async ({ page }) => {
    await page.goto('/settings/notifications');
    const id = page.getByLabel('Your Slack member ID');
    await id.fill('not a slack id!');
    await id.locator('..').getByRole('button', { name: 'Save' }).click();
    await expect(id.locator('..').getByRole('alert')).toBeVisible();
    await expect(id).toHaveValue('not a slack id!');
  });

  test('Settings → Escalation: the add-a-policy form', async ({ page }) => {
    const name = `keep-${randomUUID().slice(0, 6)}`;
    await page.goto('/settings/escalation');
    const form = page.getByRole('form', { name: 'New policy' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Projects (comma-separated, empty = all)').fill('alpha, beta');
    await form.getByLabel('Step 1 · after (minutes)').fill('soon');
    await form.getByRole('button', { name: 'Create policy' }).click();
    await expect(form.getByRole('alert')).toBeVisible();
    await expect(form.getByLabel('Name')).toHaveValue(name);
    await expect(form.getByLabel('Projects (comma-separated, empty = all)')).toHaveValue('alpha, beta');
    await expect(form.getByLabel('Step 1 · after (minutes)')).toHaveValue('soon');

    // Corrected and created: the policy is listed, and the add form starts empty for the next one.
    await form.getByLabel('Step 1 · after (minutes)').fill('30');
    await form.getByLabel('Step 1 · role').selectOption('engineer');
    await form.getByRole('button', { name: 'Create policy' }).click();
    await expect(page.getByRole('region', { name: `Policy ${name}` })).toContainText('after 30 min: notify role engineer');
    await expect(page.getByRole('form', { name: 'New policy' }).getByLabel('Name')).toHaveValue('');
  });
});
