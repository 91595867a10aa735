import { randomUUID } from 'node:crypto';
import { api, expect, signIn, test } from './fixtures';
import { SessionsPages } from './pages/sessions';

const history = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `step ${i + 1}: ${i % 2 ? 'done' : 'please continue'}` }));

type Json = Record<string, unknown>;

test('restore a checkpoint from the console; the agent receives exactly that state and completes', async ({ page }) => {
  const project = `e2e-restore-${randomUUID().slice(0, 8)}`;
  const externalId = `run-${randomUUID()}`;
  const created = await api<Json>(page, 'POST', '/api/v1/sessions', { project, agent: 'coder', externalId, currentTask: 'task-1' });
  expect(created.status).toBe(201);
  const sessionId = String((created.json.session as Json).id);

  const cp1 = await api<Json>(page, 'POST', `/api/v1/sessions/${sessionId}/checkpoints`, {
    checkpointType: 'task_completion',
    conversationHistory: history(3),
    currentTaskId: 'task-1',
    completedTasks: [],
    metricsSnapshot: { tokens: 1200 },
  });
  expect(cp1.status).toBe(201);
  // The create answer is { id, sequence, created }.
  expect(cp1.json).toMatchObject({ sequence: 1, created: true });
  const cp1Id = String(cp1.json.id);
  const cp2 = await api<Json>(page, 'POST', `/api/v1/sessions/${sessionId}/checkpoints`, {
    checkpointType: 'task_completion',
    conversationHistory: history(5),
    currentTaskId: 'task-2',
    completedTasks: ['task-1'],
    metricsSnapshot: { tokens: 2400 },
  });
  expect(cp2.json).toMatchObject({ sequence: 2, created: true });

  await signIn(page, 'engineer');
  const pages = new SessionsPages(page);
  const succeededBefore = await pages.recoveriesSucceeded();

  // Open the session through search, inspect checkpoint #1 and its conversation.
  await pages.openSessionBySearch(externalId, sessionId);
  await expect(pages.timelineItem(/#2 task completion/)).toBeVisible();
  await pages.inspectCheckpoint(1);
  await expect(pages.conversation()).toHaveCount(3);
  await expect(pages.conversation().first()).toContainText('step 1: please continue');

  // Restore it from the checkpoint page.
  await pages.restore(1, /rewound to checkpoint #1 \(task task-1, 3\s+messages\)/);

  // The simulated agent asks what to do and receives exactly checkpoint #1.
  const control = await api<Json>(page, 'GET', `/api/v1/sessions/${sessionId}/control`);
  expect(control.status).toBe(200);
  const decision = control.json.decision as Json;
  expect(decision.action).toBe('restore');
  const state = decision.checkpoint as Json;
  expect(state).toMatchObject({ id: cp1Id, sequence: 1, currentTaskId: 'task-1', completedTasks: [] });
  expect(state.conversationHistory).toEqual(history(3));
  const recoveryId = String(decision.recoveryId);
  const done = await api<Json>(page, 'POST', `/api/v1/recoveries/${recoveryId}/complete`, { status: 'succeeded' });
  expect(done.status).toBe(200);

  // The session runs again, the recovery is in the history and the success figures moved.
  await page.goto(`/sessions/${sessionId}`);
  await expect(pages.timelineItem(/restore from #1/)).toContainText('succeeded');
  expect(await pages.recoveriesSucceeded()).toBe(succeededBefore + 1);
  await expect(page.getByRole('table').getByRole('row').filter({ hasText: project })).toContainText('succeeded');
});

test('timeline rows name the tool, read to the second with durations, and restore is one click from a checkpoint', async ({ page }) => {
  const project = `e2e-timeline-${randomUUID().slice(0, 8)}`;
  const created = await api<Json>(page, 'POST', '/api/v1/sessions', { project, agent: 'coder', externalId: `run-${randomUUID()}` });
  const sessionId = String((created.json.session as Json).id);
  const cp = await api<Json>(page, 'POST', `/api/v1/sessions/${sessionId}/checkpoints`, {
    checkpointType: 'task_completion',
    conversationHistory: history(2),
    currentTaskId: 'task-1',
    completedTasks: [],
  });
  expect(cp.status).toBe(201);
  const ev = await api(page, 'POST', '/api/v1/events', [
    { eventType: 'tool_call', aggregateId: sessionId, metadata: { tool: 'file_write', status: 'success', duration_ms: 312 } },
    { eventType: 'tool_call', aggregateId: sessionId, metadata: { tool: 'run_tests', status: 'error', duration_ms: 2500, error: 'exit 1' } },
  ]);
  expect(ev.status).toBeLessThan(300);

  await signIn(page, 'engineer');
  await page.goto(`/sessions/${sessionId}`);
  const pages = new SessionsPages(page);
  await expect(pages.timelineItem('file_write')).toContainText('tool call · file_write · 312 ms');
  await expect(pages.timelineItem('run_tests')).toContainText('tool call · run_tests · error · 2.5 s · exit 1');
  await expect(pages.timelineItem('file_write').locator('time')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);

  // Restore #1 sits on the checkpoint's row, not inside its collapsed part.
  const checkpoint = pages.timelineItem(/#1 task completion/);
  const restore = checkpoint.getByRole('button', { name: 'Restore #1' });
  await expect(restore).toBeVisible();
  await restore.click();
  const dialog = page.getByRole('dialog', { name: 'Restore checkpoint #1?' });
  await dialog.getByRole('button', { name: 'Confirm restore' }).click();
  await expect(dialog.getByRole('status')).toContainText('Recovery started from checkpoint #1');
  const control = await api<Json>(page, 'GET', `/api/v1/sessions/${sessionId}/control`);
  expect((control.json.decision as Json).action).toBe('restore');
});
