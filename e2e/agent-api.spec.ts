import { randomUUID } from 'node:crypto';
import { api, apiToken, expect, signIn, test } from './fixtures';

/**
 * The agent API end to end against the built app: an agent (through the API) pauses and long-polls; a person
 * decides in the browser (Interventions page: "Act" opens the row's panel with Resume / Restore).
 */
type Session = { session: { id: string } };
type Decision = { decision: { action: string; note?: string | null; recoveryId?: string; checkpoint?: { completedTasks: string[] } } };

type Page = Parameters<typeof api>[0];

/** A session (own project, so its row and panel are unique) with one checkpoint, paused for a person. */
async function pausedAgent(page: Page, reason: string) {
  const project = `e2e-agents-${randomUUID().slice(0, 8)}`;
  const s = await api<Session>(page, 'POST', '/api/v1/sessions', { project, agent: 'coder', externalId: randomUUID(), currentTask: 'task-2' });
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
  return { id, project };
}

/** Opens the intervention's action panel on the Interventions page. */
async function openPanel(page: Page, project: string) {
  await page.goto(`/interventions?project=${project}`);
  await page.getByRole('button', { name: `Details for ${project} / coder` }).click();
  return page.getByRole('region', { name: `Intervention ${project} / coder` });
}

test('an agent pauses through the API; the pause waits for a person and shows on the Interventions page', async ({ page }) => {
  const reason = `Retry limit on web_search ${randomUUID().slice(0, 8)}`;
  const { id } = await pausedAgent(page, reason);
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

test('a person resumes in the browser and the agent long-poll returns resume', async ({ page }) => {
  const reason = `Blocked ${randomUUID().slice(0, 8)}`;
  const { id, project } = await pausedAgent(page, reason);
  await signIn(page, 'engineer');
  const panel = await openPanel(page, project);
  // The agent is already waiting (server-side long-poll, at most 30 s) when the person decides.
  await expect(panel).toBeVisible();
  const polling = api<Decision>(page, 'GET', `/api/v1/sessions/${id}/control?wait=30`);
  // Resume sits on the row (one click) and confirms in a dialog with the optional note.
  await page.getByRole('button', { name: `Resume ${project} / coder` }).click();
  await page.getByRole('dialog', { name: `Resume ${project} / coder?` }).getByRole('button', { name: 'Resume', exact: true }).click();
  const decision = await polling;
  expect(decision.status).toBe(200);
  expect(decision.json.decision).toMatchObject({ action: 'resume', resolvedBy: 'engineer@flightdeck.local' });
});

test('a person restores in the browser; the agent receives the checkpoint and completes the recovery', async ({ page }) => {
  const reason = `Retry limit ${randomUUID().slice(0, 8)}`;
  const { id, project } = await pausedAgent(page, reason);
  await signIn(page, 'engineer');
  const panel = await openPanel(page, project);
  await panel.getByRole('button', { name: 'Restore…' }).click();
  const polling = api<Decision>(page, 'GET', `/api/v1/sessions/${id}/control?wait=30`);
  await panel.getByRole('button', { name: 'Confirm restore' }).click();
  const { decision } = (await polling).json;
  expect(decision.action).toBe('restore');
  expect(decision.checkpoint?.completedTasks).toEqual(['task-1']);
  const done = await api(page, 'POST', `/api/v1/recoveries/${decision.recoveryId}/complete`, { status: 'succeeded' });
  expect(done.status).toBe(200);
  const after = await api<Decision>(page, 'GET', `/api/v1/sessions/${id}/control`);
  expect(after.json.decision.action).toBe('continue');
});

test('the built server answers the hot agent calls on the fast path, with the headers every API answer has', async ({ page }) => {
  const s = await api<Session>(page, 'POST', '/api/v1/sessions', { project: `e2e-fast-${randomUUID().slice(0, 8)}`, agent: 'coder', externalId: randomUUID() });
  expect(s.status).toBe(201);
  const id = s.json.session.id;
  const call = (method: string, url: string, body?: unknown) =>
    page.request.fetch(url, {
      method,
      headers: { authorization: `Bearer ${apiToken()}`, 'content-type': 'application/json' },
      data: body === undefined ? undefined : JSON.stringify(body),
    });
  // Served by Next.js (not a hot call): the reference for the headers.
  const viaNext = await call('GET', `/api/v1/sessions/${id}/checkpoints`);
  expect(viaNext.status()).toBe(200);
  expect(viaNext.headers()['server-timing']).not.toMatch(/\bfast\b/);
  for (const [method, url, body, status] of [
    ['POST', `/api/v1/sessions/${id}/heartbeat`, { currentTask: 'fast lane' }, 200],
    ['GET', `/api/v1/sessions/${id}/control`, undefined, 200],
    ['POST', '/api/v1/heartbeats', { sessions: [{ id }] }, 200],
    ['POST', `/api/v1/sessions/${id}/heartbeat`, { currentTask: 7 }, 422],
  ] as const) {
    const res = await call(method, url, body);
    expect([url, res.status()]).toEqual([url, status]);
    const headers = res.headers();
    expect(headers['server-timing']).toMatch(/^app;dur=[\d.]+, fast$/);
    for (const h of ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'permissions-policy', 'content-security-policy']) {
      expect([h, headers[h]]).toEqual([h, viaNext.headers()[h]]);
    }
  }
  // A trailing slash is not a fast-path match: Next.js answers it as before (its redirect to the path without it).
  const slash = await page.request.fetch(`/api/v1/sessions/${id}/heartbeat/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken()}`, 'content-type': 'application/json' },
    data: '{}',
    maxRedirects: 0,
  });
  expect(slash.status()).toBe(308);
  expect(slash.headers()['server-timing'] ?? '').not.toMatch(/\bfast\b/);
});
