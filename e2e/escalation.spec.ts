import { randomUUID } from 'node:crypto';
import { api, expect, signIn, test } from './fixtures';

/**
 * Pause deadlines: an admin sets an escalation policy in Settings (a bad delay is refused naming the field), an
 * agent pauses, the job takes the first step (due at once) and the inbox shows the "escalated" badge and the time
 * to the next step; the admin then changes the policy and the inbox's deadline follows.
 */
test('a pause past its first step shows the escalated badge and its deadline; a policy changed in Settings', async ({ page }) => {
  const project = `e2e-esc-${randomUUID().slice(0, 6)}`;
  const name = `Escalate ${project}`;
  await signIn(page, 'admin');
  await page.goto('/settings');
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Escalation' }).click();
  await expect(page.getByRole('heading', { name: 'Escalation' })).toBeVisible();

  const form = page.getByRole('form', { name: 'New policy' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Projects').fill(project);
  await form.getByLabel('Step 1 · after (minutes)').fill('-5');
  await form.getByLabel('Step 1 · role').selectOption('engineer');
  await form.getByRole('button', { name: 'Create policy' }).click();
  const alert = form.getByRole('alert');
  await expect(alert).toContainText('Step 1 · after (minutes): must be 0 or more minutes');
  await expect(form.getByLabel('Step 1 · after (minutes)')).toHaveAttribute('aria-invalid', 'true');

  await form.getByLabel('Step 1 · after (minutes)').fill('0');
  await form.getByRole('button', { name: 'Add step' }).click();
  await form.getByLabel('Step 2 · after (minutes)').fill('60');
  await form.getByLabel('Step 2 · role').selectOption('admin');
  await form.getByRole('button', { name: 'Create policy' }).click();
  const saved = page.getByRole('region', { name: `Policy ${name}` });
  await expect(saved).toContainText('after 0 min: notify role engineer');
  await expect(saved).toContainText('after 60 min: notify role admin');

  // The agent pauses; the first step is due at once and the job (every 500 ms here) takes it.
  const created = await api<{ session: { id: string } }>(page, 'POST', '/api/v1/sessions', { project, agent: 'e2e-esc', externalId: randomUUID() });
  expect(created.status).toBe(201);
  const paused = await api(page, 'POST', `/api/v1/sessions/${created.json.session.id}/pause`, { reason: 'Waiting for a reviewer', pauseType: 'blocker' });
  expect(paused.status).toBe(201);

  await page.goto(`/interventions?project=${project}`);
  const row = page.getByRole('row').filter({ hasText: project });
  await expect(async () => {
    await page.reload();
    await expect(row.getByText('escalated', { exact: true })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  // 60 minutes left reads "1h 0m"; a view a moment later "59m".
  await expect(row.locator('time', { hasText: /^notify in (59m|1h 0m)$/ })).toBeVisible();

  // A person changes the policy: the second step moves to 2 hours, and the inbox's deadline moves with it.
  await page.goto('/settings/escalation');
  const section = page.getByRole('region', { name: `Policy ${name}` });
  await section.getByText(`Edit ${name}`).click();
  const edit = section.getByRole('form', { name: `Policy ${name}` });
  await edit.getByLabel('Step 2 · after (minutes)').fill('120');
  await edit.getByRole('button', { name: 'Save policy' }).click();
  await expect(edit.getByRole('status')).toHaveText('Saved.');
  await expect(section).toContainText('after 120 min: notify role admin');

  await page.goto(`/interventions?project=${project}&sort=deadline`);
  await expect(row.locator('time', { hasText: /^notify in (1h 5[89]m|2h 0m)$/ })).toBeVisible();
  await expect(row.getByText('escalated', { exact: true })).toBeVisible();
});
