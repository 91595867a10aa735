import { randomUUID } from 'node:crypto';
import type { Browser, Page } from '@playwright/test';
import { api, expect, signIn, test } from './fixtures';

/**
 * Restore with an edited state, bulk restore with a dry run, and four-eyes approval, end to end. The agent is this
 * test's API client: it registers, saves checkpoints, pauses and polls GET /control like a real one.
 */
type Json = Record<string, unknown>;
type Control = { decision: { action: string; recoveryId?: string; checkpoint?: Json } };

const history = (n: number) => Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `step ${i + 1}` }));

async function agentSession(page: Page, project: string, agent: string, checkpoint: 'valid' | 'none' | 'invalid' = 'valid') {
  const created = await api<{ session: { id: string } }>(page, 'POST', '/api/v1/sessions', { project, agent, externalId: randomUUID(), currentTask: 'task-1' });
  expect(created.status).toBe(201);
  const id = created.json.session.id;
  let checkpointId: string | null = null;
  if (checkpoint !== 'none') {
    const state = { conversationHistory: history(3), currentTaskId: 'task-1', completedTasks: [], metricsSnapshot: { tokens: 100 } };
    const cp = await api<Json>(page, 'POST', `/api/v1/sessions/${id}/checkpoints`, { checkpointType: 'task_completion', ...state });
    expect(cp.status).toBe(201);
    checkpointId = String(cp.json.id);
  }
  const paused = await api(page, 'POST', `/api/v1/sessions/${id}/pause`, { reason: 'Stuck on the flaky test', pauseType: 'blocker' });
  expect(paused.status).toBe(201);
  return { id, checkpointId };
}

/** The agent's poll: GET /control until the decision is not `wait`, bounded. */
async function pollControl(page: Page, sessionId: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await api<Control>(page, 'GET', `/api/v1/sessions/${sessionId}/control`);
    expect(r.status).toBe(200);
    if (r.json.decision.action !== 'wait' || Date.now() > deadline) return r.json.decision;
    await page.waitForTimeout(250);
  }
}

async function replaceEditorText(page: Page, text: string) {
  const editor = page.locator('.cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function otherUser(browser: Browser, role: 'admin' | 'engineer') {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await signIn(page, role);
  return { page, close: () => context.close() };
}

test('edit a checkpoint state: a syntax error blocks confirm; fixed, previewed and restored, the agent receives exactly it', async ({ page }) => {
  const project = `e2e-edit-${randomUUID().slice(0, 8)}`;
  const { id, checkpointId } = await agentSession(page, project, 'coder');
  await signIn(page, 'engineer');
  await page.goto(`/sessions/${id}/checkpoints/${checkpointId}`);
  await page.getByRole('link', { name: 'Edit state and restore' }).click();
  await expect(page.getByRole('heading', { name: 'Edit and restore checkpoint #1' })).toBeVisible();
  await expect(page.locator('.cm-content')).toContainText('"currentTaskId": "task-1"');

  const edited = {
    conversationHistory: [history(3)[0], { role: 'user', content: 'Skip the flaky test and continue' }, history(3)[1], { role: 'assistant', content: 'step 3 (edited)' }],
    currentTaskId: 'task-2',
    completedTasks: ['task-1'],
    metricsSnapshot: { tokens: 100, edited: true },
  };
  const text = JSON.stringify(edited, null, 2);
  const preview = page.getByRole('button', { name: 'Preview changes' });
  const confirm = page.getByRole('button', { name: 'Confirm restore' });

  // A syntax error: shown inline and in words, nothing can be previewed or confirmed.
  await replaceEditorText(page, text.replace('"task-2",', '"task-2"'));
  await expect(page.getByRole('alert').filter({ hasText: 'Syntax error' })).toBeVisible();
  await expect(page.locator('.cm-lint-marker-error, .cm-lintRange-error').first()).toBeVisible();
  await expect(preview).toBeDisabled();
  await expect(confirm).toBeDisabled();

  // Fixed: valid, but confirm waits for a preview of exactly this text.
  await replaceEditorText(page, text);
  await expect(page.getByText('Valid JSON. Preview the changes, then confirm.')).toBeVisible();
  await expect(confirm).toBeDisabled();
  await preview.click();
  const diff = page.getByLabel('State diff');
  await expect(diff.getByRole('status')).toHaveText('1 messages added · 0 removed · 1 changed · 3 field changes');
  await expect(diff.getByLabel('Message changes')).toContainText('message #2 added');
  await expect(diff.getByLabel('Field changes')).toContainText('currentTaskId');
  await confirm.click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved as checkpoint #2 (forked from #1) and restored' })).toBeVisible();

  const decision = await pollControl(page, id);
  expect(decision.action).toBe('restore');
  expect(decision.checkpoint).toMatchObject({ sequence: 2, checkpointType: 'manual', ...edited, messageCount: 4 });
  expect(decision.checkpoint?.conversationHistory).toEqual(edited.conversationHistory);

  // The original never changed; the timeline shows the lineage; compare #1 with the latest.
  const original = await api<{ checkpoint: Json }>(page, 'GET', `/api/v1/checkpoints/${checkpointId}`);
  expect(original.json.checkpoint).toMatchObject({ currentTaskId: 'task-1', conversationHistory: history(3) });
  await page.goto(`/sessions/${id}`);
  await expect(page.getByText(/#2 manual .* forked from #1 by engineer@flightdeck\.local/)).toBeVisible();
  await page.goto(`/sessions/${id}/checkpoints/${checkpointId}`);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByLabel('State diff').getByRole('status')).toHaveText('1 messages added · 0 removed · 1 changed · 3 field changes');
});

test('bulk restore of three paused sessions: the dry run names the one without a valid checkpoint', async ({ page }) => {
  const project = `e2e-bulk-${randomUUID().slice(0, 8)}`;
  const a = await agentSession(page, project, 'agent-a');
  const b = await agentSession(page, project, 'agent-b', 'none');
  const c = await agentSession(page, project, 'agent-c');
  await signIn(page, 'engineer');
  await page.goto(`/interventions?project=${project}`);
  for (const agent of ['agent-a', 'agent-b', 'agent-c']) await page.getByLabel(`Select ${project} / ${agent}`).check();
  await page.getByRole('button', { name: 'Restore selected' }).click();
  const dry = page.getByRole('dialog', { name: 'Restore 3 interventions' });
  await expect(dry.getByRole('status')).toHaveText('2 of 3 have a valid checkpoint.');
  await expect(dry.getByLabel('Dry run')).toContainText(`${project} / agent-b: No valid checkpoint: the agent never saved one.`);
  await dry.getByRole('button', { name: 'Restore 2' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Done: 2 of 2 restored' })).toBeVisible();
  await expect(page.getByLabel('Bulk results')).toContainText(`${project} / agent-a: ok`);
  expect((await pollControl(page, a.id)).action).toBe('restore');
  expect((await pollControl(page, c.id)).action).toBe('restore');
  // The one without a checkpoint is still waiting for a decision.
  expect((await api<Control>(page, 'GET', `/api/v1/sessions/${b.id}/control`)).json.decision.action).toBe('wait');
});

test('four-eyes: the requester cannot approve their own restore; a second person approves and the agent continues', async ({ page, browser }) => {
  const project = `e2e-4eyes-${randomUUID().slice(0, 8)}`;
  const s = await agentSession(page, project, 'coder');
  const admin = await otherUser(browser, 'admin');
  await admin.page.goto('/settings/restores');
  await admin.page.getByRole('button', { name: `Turn on four-eyes for ${project}` }).click();
  await expect(admin.page.getByRole('button', { name: `Turn off four-eyes for ${project}` })).toBeVisible();

  await signIn(page, 'engineer');
  await page.goto(`/interventions?project=${project}`);
  const row = page.getByRole('row').filter({ hasText: project }).first();
  await row.getByRole('button', { name: /Details/ }).click();
  await page.getByRole('button', { name: 'Restore…' }).click();
  await page.getByRole('button', { name: 'Confirm restore' }).click();
  await expect(page.getByText('Restore requested: awaiting approval by a second engineer.').or(page.getByText('awaiting approval', { exact: true })).first()).toBeVisible();
  await page.reload();
  await expect(page.getByText('awaiting approval', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: `Approve restore of ${project} / coder` }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'You requested this restore: a second engineer must approve it.' })).toBeVisible();
  expect((await api<Control>(page, 'GET', `/api/v1/sessions/${s.id}/control`)).json.decision.action).toBe('wait');

  await admin.page.goto(`/interventions?project=${project}`);
  const approve = admin.page.getByRole('button', { name: `Approve restore of ${project} / coder` });
  await approve.click();
  // The answer shows beside the buttons until the inbox refreshes, which removes the now-resolved row with it:
  // either is the approval having landed (the agent's control answer below is what proves it).
  const approved = admin.page.getByRole('status').filter({ hasText: 'Approved: the agent receives the restore.' });
  await expect.poll(async () => (await approved.count()) > 0 || (await approve.count()) === 0, { timeout: 10_000 }).toBe(true);
  await admin.close();

  const decision = await pollControl(page, s.id);
  expect(decision).toMatchObject({ action: 'restore', checkpoint: { id: s.checkpointId } });
  const done = await api(page, 'POST', `/api/v1/recoveries/${decision.recoveryId}/complete`, { status: 'succeeded' });
  expect(done.status).toBe(200);
  expect((await pollControl(page, s.id)).action).toBe('continue');
  await page.goto(`/sessions/${s.id}`);
  await expect(page.getByText(/restore requested/).first()).toBeVisible();
  await expect(page.getByText(/restore approved .*admin@flightdeck\.local/).first()).toBeVisible();
});
