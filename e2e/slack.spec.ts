import { randomBytes } from 'node:crypto';
import { startFakeSlack, type FakeSlack } from '../lib/test/fake-slack';
import { expect, test } from './fixtures';
import { startNext, waitUntilReady, type NextProcess } from './next-process';

/**
 * Issue 21 end to end over the production build: a `next start` configured for Slack (PUBLIC_URL as the alias of
 * APP_URL, the signing secret, the fleet channel on a local fake Slack, OUTBOUND_ALLOWED_HOSTS=127.0.0.1). An admin
 * links Slack IDs in the console, an agent pauses, the background worker posts the Block Kit message to the fake
 * Slack, which clicks Resume as Slack would (signed block_actions) and receives the outcome at its response_url.
 */
const SECRET = `slack-${randomBytes(12).toString('hex')}`;
const ADMIN = { email: 'ops@example.com', password: 'a long e2e passphrase for the slack spec 71' };
let fake: FakeSlack;
let app: NextProcess;

test.beforeAll(async () => {
  test.setTimeout(150_000);
  fake = await startFakeSlack();
  app = await startNext((port) => ({
    BETTER_AUTH_SECRET: randomBytes(32).toString('base64'),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    FLIGHTDECK_ADMIN_EMAIL: ADMIN.email,
    FLIGHTDECK_ADMIN_PASSWORD: ADMIN.password,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_WEBHOOK_URL: `${fake.base}/webhook/ops`,
    OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
  }));
  await waitUntilReady(app);
});
test.afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

test('a pause in Slack: resume from the button, a second click is told who acted, a viewer is refused', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${app.url}/sign-in`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

  // The admin links their own Slack member ID, and a viewer's in Settings → Users.
  await page.goto(`${app.url}/settings/notifications`);
  await page.getByLabel('Your Slack member ID').fill('u0admin01');
  await page.getByLabel('Your Slack member ID').locator('..').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.goto(`${app.url}/settings/users`);
  await page.getByLabel('Email', { exact: true }).fill('vic@example.com');
  await page.locator('form').filter({ has: page.getByRole('button', { name: 'Create user' }) }).locator('select[name="role"]').selectOption('viewer');
  await page.getByLabel('Initial password').fill('another long passphrase for vic 38');
  await page.getByRole('button', { name: 'Create user' }).click();
  const vic = page.getByLabel('Slack member ID of vic@example.com');
  await vic.fill('U0VIEWER1');
  await vic.locator('..').getByRole('button', { name: 'Save' }).click();
  await expect(vic.locator('..').getByText('Saved.')).toBeVisible();
  await page.goto(`${app.url}/settings/integrations`);
  await expect(page.getByText(`${app.url}/api/integrations/slack/interactions`)).toBeVisible();
  await expect(page.getByText(`${fake.base}/… (env)`)).toBeVisible();

  // An agent (token from Settings → API tokens) registers and pauses.
  await page.goto(`${app.url}/settings/tokens`);
  await page.getByLabel('Name').fill('slack-e2e');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByRole('region', { name: 'New API token' }).getByLabel('API token value').inputValue();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await page.request.post(`${app.url}/api/v1/sessions`, { headers, data: { project: 'billing', agent: 'deployer', externalId: 'slack-e2e-1' } });
  const sessionId = (await created.json()).session.id as string;
  const paused = await page.request.post(`${app.url}/api/v1/sessions/${sessionId}/pause`, {
    headers,
    data: { reason: 'Needs approval to deploy', pauseType: 'blocker', context: { last_error: 'canary 5xx' } },
  });
  expect(paused.status()).toBe(201);

  // The worker posts the message; its Open button links to the console through PUBLIC_URL.
  const message = (await fake.waitFor('/webhook/ops', 20_000)).body;
  expect(message.text).toContain('billing / deployer paused (blocker): Needs approval to deploy');
  const buttons = fake.buttons(message);
  expect(buttons.find((b) => b.action_id === 'flightdeck.open')?.url).toBe(`${app.url}/sessions/${sessionId}`);

  const interactions = `${app.url}/api/integrations/slack/interactions`;
  const post = (r: { body: string; headers: Record<string, string> }) => fetch(interactions, { method: 'POST', headers: r.headers, body: r.body });

  // A forged click is refused and changes nothing; the viewer's is explained to them alone.
  const forged = fake.signClick({ message, actionId: 'flightdeck.resume', slackUserId: 'U0ADMIN01', secret: 'wrong-secret' });
  expect((await post(forged)).status).toBe(401);
  const viewer = fake.signClick({ message, actionId: 'flightdeck.resume', slackUserId: 'U0VIEWER1', secret: SECRET });
  expect((await (await post(viewer)).json()).text).toMatch(/role \(viewer\) may not resume/);

  // The admin's click: acknowledged well inside Slack's 3 s, then the outcome replaces the buttons.
  const click = fake.signClick({ message, actionId: 'flightdeck.resume', slackUserId: 'U0ADMIN01', secret: SECRET });
  const started = Date.now();
  const res = await post(click);
  expect(res.status).toBe(200);
  expect(Date.now() - started).toBeLessThan(3_000);
  const outcome = (await fake.waitFor(click.responsePath, 10_000)).body;
  expect(outcome).toMatchObject({ replace_original: true, text: expect.stringMatching(/^Resumed by Administrator at <!date\^/) });
  expect(outcome.blocks!.some((b) => b.type === 'actions')).toBe(false);

  // The agent is told to resume, exactly as after the browser button.
  const control = await page.request.get(`${app.url}/api/v1/sessions/${sessionId}/control`, { headers });
  expect((await control.json()).decision).toMatchObject({ action: 'resume', resolvedBy: ADMIN.email });

  // A second click (or a replay of the first) does nothing more.
  expect((await post(click)).status).toBe(401);
  const again = fake.signClick({ message, actionId: 'flightdeck.abort', slackUserId: 'U0ADMIN01', secret: SECRET });
  expect((await post(again)).status).toBe(200);
  expect((await fake.waitFor(again.responsePath, 10_000)).body.text).toMatch(/^Already resolved by Administrator: Resumed by Administrator/);

  // The audit trail names the person and the door.
  await page.goto(`${app.url}/settings/audit`);
  await expect(page.getByRole('row').filter({ hasText: 'intervention.resume' }).first()).toContainText(ADMIN.email);
});
