import { randomUUID } from 'node:crypto';
import { api, expect, signIn, test } from './fixtures';

/**
 * The agent API end to end against the built app: an agent (through the API) pauses and long-polls; a person
 * decides in the browser. The Interventions page's Resume / Restore buttons are built on another branch: the two
 * `fixme` tests below are the browser half, to be enabled by the lead after that merge. Until then the decision
 * half is covered in-process by lib/simulator/simulator.test.ts (resume, restore, abort through the real handlers).
 */
type Session = { session: { id: string } };
type Decision = { decision: { action: string; note?: string | null; recoveryId?: string; checkpoint?: { completedTasks: string[] } } };

async function pausedAgent(page: Parameters<typeof api>[0], reason: string) {
  const s = await api<Session>(page, 'POST', '/api/v1/sessions', { project: 'e2e-agents', agent: 'coder', externalId: randomUUID(), currentTask: 'task-2' });
  expect(s.status).toBe(201);
  const id = s.json.session.id;
  const cp = await api(page, 'POST', `/api/v1/sessions/${id}/checkpoints`, {
    checkpointType: 'task_completion',
    conversationHistory: [{ role: 'user', content: 'start' }],
    completedTasks: ['task-1'],
    currentTaskId: 'task-2',
  });
  expect(cp.status).toBe(201);
  const p = await api(page, 'POST', `/api/v1/sessions/${id}/pause`, { reason, pauseType: 'retry_limit' });
  expect(p.status).toBe(201);
  return id;
}

test('an agent pauses through the API; the pause waits for a person and shows on the Interventions page', async ({ page }) => {
  const reason = `Retry limit on web_search ${randomUUID().slice(0, 8)}`;
  const id = await pausedAgent(page, reason);
  const control = await api<Decision>(page, 'GET', `/api/v1/sessions/${id}/control?wait=1`);
  expect(control.status).toBe(200);
  expect(control.json.decision.action).toBe('wait');
  await signIn(page, 'engineer');
  await page.goto('/interventions');
  await expect(page.getByRole('cell', { name: reason })).toBeVisible();
});

test('the API reference is served from the OpenAPI document', async ({ page }) => {
  const doc = await page.request.get('/api/v1/openapi.json');
  expect(doc.status()).toBe(200);
  expect((await doc.json()).openapi).toBe('3.1.0');
  await page.goto('/api/v1/docs');
  await expect(page.getByRole('heading', { name: /Flightdeck agent API/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: /POST \/api\/v1\/sessions\/\{id\}\/pause/ })).toBeVisible();
});

test.fixme('a person resumes in the browser and the agent long-poll returns resume', async ({ page }) => {
  const reason = `Blocked ${randomUUID().slice(0, 8)}`;
  const id = await pausedAgent(page, reason);
  const polling = api<Decision>(page, 'GET', `/api/v1/sessions/${id}/control?wait=30`);
  await signIn(page, 'engineer');
  await page.goto('/interventions');
  await page.getByRole('row', { name: new RegExp(reason) }).getByRole('button', { name: 'Resume' }).click();
  const decision = await polling;
  expect(decision.json.decision).toMatchObject({ action: 'resume' });
});

test.fixme('a person restores in the browser; the agent receives the checkpoint and completes the recovery', async ({ page }) => {
  const reason = `Retry limit ${randomUUID().slice(0, 8)}`;
  const id = await pausedAgent(page, reason);
  const polling = api<Decision>(page, 'GET', `/api/v1/sessions/${id}/control?wait=30`);
  await signIn(page, 'engineer');
  await page.goto('/interventions');
  await page.getByRole('row', { name: new RegExp(reason) }).getByRole('button', { name: 'Restore' }).click();
  const { decision } = (await polling).json;
  expect(decision.action).toBe('restore');
  expect(decision.checkpoint?.completedTasks).toEqual(['task-1']);
  const done = await api(page, 'POST', `/api/v1/recoveries/${decision.recoveryId}/complete`, { status: 'succeeded' });
  expect(done.status).toBe(200);
  const after = await api<Decision>(page, 'GET', `/api/v1/sessions/${id}/control`);
  expect(after.json.decision.action).toBe('continue');
});
