import { randomBytes, randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { startNext, waitUntilReady, type NextProcess } from './next-process';

/**
 * Issue 19 item 1 against the production build: `next start` with HEARTBEAT_TIMEOUT_S=5 and JOBS_INTERVAL_MS=500.
 * An agent that stops heart-beating is in the inbox as `timeout` within 5 s + one job interval of its last sign of
 * life; when it comes back the pause resolves itself. (Its own server: the suite's server keeps the 300 s default,
 * so the other specs' quiet sessions are never paused under them.)
 */
const TIMEOUT_S = 5;
const INTERVAL_MS = 500;
const email = `ops-${randomUUID().slice(0, 8)}@example.com`;
const password = `e2e-${randomUUID()}`;

test.describe('heartbeat watchdog', () => {
  test.describe.configure({ timeout: 150_000 });
  let server: NextProcess;

  test.beforeAll(async () => {
    server = await startNext({
      FLIGHTDECK_DEMO: '1',
      BETTER_AUTH_SECRET: randomBytes(32).toString('base64'),
      FLIGHTDECK_ADMIN_EMAIL: email,
      FLIGHTDECK_ADMIN_PASSWORD: password,
      HEARTBEAT_TIMEOUT_S: String(TIMEOUT_S),
      JOBS_INTERVAL_MS: String(INTERVAL_MS),
    });
    await waitUntilReady(server);
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  async function signInAndCreateToken(page: Page) {
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await page.goto(`${server.url}/settings/tokens`);
    await page.getByLabel('Name').fill(`watchdog-${randomUUID().slice(0, 6)}`);
    await page.getByRole('button', { name: 'Create token' }).click();
    return page.getByRole('region', { name: 'New API token' }).getByLabel('API token value').inputValue();
  }

  test('an agent that stops heart-beating is in the inbox as timeout within 5 s + one interval, and resolves it by coming back', async ({ page }) => {
    const token = await signInAndCreateToken(page);
    const call = async <T,>(method: string, path: string, body?: unknown) => {
      const res = await page.request.fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        data: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.status(), path).toBeLessThan(300);
      return (await res.json()) as T;
    };
    const project = `e2e-silent-${randomUUID().slice(0, 6)}`;
    await page.goto(`${server.url}/interventions`);
    await expect(page.getByRole('status', { name: /Live: connected/ })).toBeVisible();

    // The agent registers (its last sign of life, stamped by the server) and then says nothing more.
    const { session } = await call<{ session: { id: string; lastHeartbeatAt: string } }>('POST', '/api/v1/sessions', {
      project,
      agent: 'quiet',
      externalId: randomUUID(),
    });
    const lastSign = Date.parse(session.lastHeartbeatAt);
    const started = Date.now();

    // The live inbox shows it, as `timeout`, without a reload.
    const row = page.getByRole('row').filter({ hasText: project });
    await expect(row).toBeVisible({ timeout: TIMEOUT_S * 1000 + INTERVAL_MS + 3_000 });
    await expect(row).toContainText('timeout');
    await expect(row).toContainText(/No sign of life for [56] s/);
    test.info().annotations.push({ type: 'visible after (ms, page included)', description: String(Date.now() - started) });

    // The server's figures (read without touching the agent API, which would count as a sign of life):
    // paused no earlier than the timeout, and no later than the timeout + one job interval (+ 250 ms for the
    // pause's own transaction).
    const csv = await page.request.get(`${server.url}/interventions/export?project=${project}`);
    const [header, line] = (await csv.text()).trim().split(/\r?\n/);
    const pausedAt = Date.parse(line.split(',')[header.split(',').indexOf('paused_at')]);
    const silentMs = pausedAt - lastSign;
    test.info().annotations.push({ type: 'paused after silence (ms)', description: String(silentMs) });
    expect(silentMs).toBeGreaterThanOrEqual(TIMEOUT_S * 1000);
    expect(silentMs).toBeLessThanOrEqual(TIMEOUT_S * 1000 + INTERVAL_MS + 250);

    // The agent comes back: its heartbeat resolves the pause itself, and the row leaves the inbox.
    expect(await call('POST', `/api/v1/sessions/${session.id}/heartbeat`, {})).toEqual({ status: 'running' });
    await expect(page.getByRole('row').filter({ hasText: project })).toHaveCount(0);
    const control = await call<{ decision: { action: string; note: string } }>('GET', `/api/v1/sessions/${session.id}/control`);
    expect(control.decision).toMatchObject({ action: 'resume', note: 'agent came back' });
    await page.goto(`${server.url}/interventions/history?project=${project}`);
    await expect(page.getByRole('row').filter({ hasText: 'No sign of life for' })).toContainText('resumed');

    // Timeline of the session: the watchdog's pause and the agent's own resume.
    await page.goto(`${server.url}/sessions/${session.id}`);
    await expect(page.getByText('agent came back').first()).toBeVisible();
  });

  test("an admin shortens a project's timeout in Settings → Projects; the watchdog follows it", async ({ page }) => {
    const token = await signInAndCreateToken(page);
    const project = `e2e-fast-${randomUUID().slice(0, 6)}`;
    await page.goto(`${server.url}/settings/projects`);
    const form = page.getByRole('form', { name: 'A project by name' });
    await form.getByLabel('Project').fill(project);
    await form.getByLabel('Heartbeat timeout (s)').fill('0');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByText('Must be greater than 0')).toBeVisible();
    // The refused values stay in the form (components/ui/use-form-action.ts): only the timeout is corrected.
    await expect(form.getByLabel('Project')).toHaveValue(project);
    await form.getByLabel('Heartbeat timeout (s)').fill('2');
    await form.getByRole('button', { name: 'Save' }).click();
    // Saved: the project's own settings row appears with the new timeout (the refresh re-renders the add form).
    await expect(page.getByRole('form', { name: `Settings of ${project}` }).getByLabel('Heartbeat timeout (s)')).toHaveValue('2');

    const res = await page.request.post(`${server.url}/api/v1/sessions`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      data: JSON.stringify({ project, agent: 'quiet', externalId: randomUUID() }),
    });
    expect(res.status()).toBe(201);
    await page.goto(`${server.url}/interventions`);
    const row = page.getByRole('row').filter({ hasText: project });
    await expect(row).toBeVisible({ timeout: 2_000 + INTERVAL_MS + 3_000 });
    await expect(row).toContainText('timeout');
  });
});
