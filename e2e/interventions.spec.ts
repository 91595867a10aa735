import { randomUUID } from 'node:crypto';
import { api, expect, signIn, test } from './fixtures';
import type { Page } from '@playwright/test';

/** The engineer's inbox end to end. Agents act through the agent API (POST /api/v1/sessions, /pause, GET /control). */
const AGENT_API_MERGED = true;

type Created = { session: { id: string } };

async function pausedSession(page: Page, project: string, reason: string, opts: { agent?: string; checkpoint?: boolean } = {}) {
  const created = await api<Created>(page, 'POST', '/api/v1/sessions', { project, agent: opts.agent ?? 'e2e-coder', externalId: randomUUID() });
  expect(created.status).toBe(201);
  const id = created.json.session.id;
  if (opts.checkpoint) {
    const cp = await api(page, 'POST', `/api/v1/sessions/${id}/checkpoints`, {
      checkpointType: 'task_completion',
      conversationHistory: [{ role: 'user', content: 'start' }],
      currentTaskId: 'task-1',
      completedTasks: [],
    });
    expect(cp.status).toBe(201);
  }
  const paused = await api(page, 'POST', `/api/v1/sessions/${id}/pause`, { reason, pauseType: 'blocker' });
  expect(paused.status).toBe(201);
  return id;
}

test.describe('interventions inbox', () => {
  test('a pause appears live, the engineer resumes with a note, the agent receives it, history shows who', async ({ page }) => {
    test.fixme(!AGENT_API_MERGED, 'needs POST /api/v1/sessions, /pause and GET /control from the API branch');
    await signIn(page, 'engineer');
    const project = `e2e-live-${randomUUID().slice(0, 6)}`;
    await page.goto('/interventions');
    await expect(page.getByRole('status', { name: /Live: connected/ })).toBeVisible();

    const sessionId = await pausedSession(page, project, 'Needs a human to approve the migration');
    // No reload: the row arrives through the live stream.
    const row = page.getByRole('row').filter({ hasText: project });
    await expect(row).toBeVisible({ timeout: 2_000 });

    // One click from the row; the accessible name starts with the visible label (WCAG 2.5.3).
    await row.getByRole('button', { name: `Resume ${project} / e2e-coder` }).click();
    const dialog = page.getByRole('dialog', { name: `Resume ${project} / e2e-coder?` });
    await dialog.getByLabel('Note for the agent (optional)').fill('Approved; run it with --dry-run first');
    await dialog.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: `Resumed ${project} / e2e-coder.` })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: project })).toHaveCount(0);

    const control = await api<{ decision: { action: string; note: string | null; resolvedBy: string | null } }>(
      page,
      'GET',
      `/api/v1/sessions/${sessionId}/control`,
    );
    expect(control.status).toBe(200);
    expect(control.json.decision).toMatchObject({ action: 'resume', note: 'Approved; run it with --dry-run first' });

    await page.goto(`/interventions/history?project=${project}`);
    const h = page.getByRole('row').filter({ hasText: project });
    await expect(h).toContainText('resumed');
    await expect(h).toContainText('engineer@flightdeck.local');
    await h.getByRole('button', { name: /trail of/i }).click();
    await expect(page.getByRole('list', { name: 'Trail' })).toContainText('resumed by engineer@flightdeck.local');
  });

  test('bulk resume of 20 with one confirmation and a per-item result', async ({ page }) => {
    test.fixme(!AGENT_API_MERGED, 'needs the agent API from the API branch');
    await signIn(page, 'engineer');
    const project = `e2e-bulk-${randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 20; i++) await pausedSession(page, project, `stuck ${i}`);
    await page.goto(`/interventions?project=${project}`);
    await expect(page.getByRole('row').filter({ hasText: project })).toHaveCount(20);
    await page.getByRole('button', { name: 'Select all 20 matching the filter' }).click();
    await page.getByRole('button', { name: 'Resume selected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Resume 20 interventions' });
    await expect(dialog).toContainText('Resume 20 interventions?');
    await dialog.getByRole('button', { name: 'Resume 20' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Done: 20 of 20 resumed' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Bulk results' }).getByRole('listitem')).toHaveCount(20);
    await expect(page.getByRole('row').filter({ hasText: project })).toHaveCount(0);
  });

  test('assign to me and take over act on their own row (one shared form per kind, the row id on the button)', async ({ page, browser }) => {
    const project = `e2e-assign-${randomUUID().slice(0, 6)}`;
    await pausedSession(page, project, 'First pause', { agent: 'agent-one' });
    await pausedSession(page, project, 'Second pause', { agent: 'agent-two' });
    await signIn(page, 'engineer');
    await page.goto(`/interventions?project=${project}`);
    const one = page.getByRole('row').filter({ hasText: 'agent-one' });
    const two = page.getByRole('row').filter({ hasText: 'agent-two' });
    await one.getByRole('button', { name: 'Assign to me' }).click();
    await expect(one).toContainText('Yours');
    // Assigned shows the name before the @, the whole address on hover.
    await expect(one.locator('[title="engineer@flightdeck.local"]')).toHaveText('engineer');
    await expect(two.getByRole('button', { name: 'Assign to me' })).toBeVisible();

    // Another person sees "Take over" on the assigned row; it sends force and moves the row to them.
    const ctx = await browser.newContext();
    const admin = await ctx.newPage();
    await signIn(admin, 'admin');
    await admin.goto(`/interventions?project=${project}`);
    const adminOne = admin.getByRole('row').filter({ hasText: 'agent-one' });
    await adminOne.getByRole('button', { name: 'Take over' }).click();
    await expect(adminOne).toContainText('Yours');
    await expect(admin.getByRole('row').filter({ hasText: 'agent-two' }).getByRole('button', { name: 'Assign to me' })).toBeVisible();
    await ctx.close();

    // Without JavaScript the same buttons submit the shared forms as plain POSTs.
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    await noJs.addCookies(await page.context().cookies());
    const p2 = await noJs.newPage();
    await p2.goto(`/interventions?project=${project}`);
    await p2.getByRole('row').filter({ hasText: 'agent-two' }).getByRole('button', { name: 'Assign to me' }).click();
    await p2.waitForLoadState('load');
    await page.goto(`/interventions?project=${project}`);
    await expect(page.getByRole('row').filter({ hasText: 'agent-two' })).toContainText('Yours');
    await noJs.close();
  });

  test('a viewer sees the inbox without action buttons', async ({ page }) => {
    const project = `e2e-viewer-${randomUUID().slice(0, 6)}`;
    await pausedSession(page, project, 'Waiting for review');
    await signIn(page, 'viewer');
    await page.goto(`/interventions?project=${project}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Interventions' })).toBeVisible();
    const row = page.getByRole('row').filter({ hasText: project });
    await expect(row.getByRole('button', { name: `Details for ${project} / e2e-coder` })).toBeVisible();
    await expect(row.getByRole('button', { name: /^(Resume|Abort)/ })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Resume selected' })).toHaveCount(0);
  });

  test('the row abort asks for a reason and a confirmation, and the session page shows who aborted and why', async ({ page }) => {
    await signIn(page, 'engineer');
    const project = `e2e-abort-${randomUUID().slice(0, 6)}`;
    const sessionId = await pausedSession(page, project, 'Stuck on a flaky test');
    await page.goto(`/interventions?project=${project}`);
    await page.getByRole('row').filter({ hasText: project }).getByRole('button', { name: `Abort ${project} / e2e-coder` }).click();
    const dialog = page.getByRole('dialog', { name: `Abort ${project} / e2e-coder?` });
    await dialog.getByLabel('Reason').fill('Superseded by run 42');
    await dialog.getByRole('button', { name: 'Confirm abort' }).click();
    await expect(page.getByRole('row').filter({ hasText: project })).toHaveCount(0);

    await page.goto(`/sessions/${sessionId}`);
    const error = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Error', exact: true }) });
    await expect(error).toContainText('Superseded by run 42');
    await expect(error).toContainText(/Aborted by engineer@flightdeck\.local at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  });

  test('the inbox works from the keyboard: j/k move, x selects, ? helps, a/r/e/n act on the highlighted row', async ({ page }) => {
    await signIn(page, 'engineer');
    const project = `e2e-keys-${randomUUID().slice(0, 6)}`;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await pausedSession(page, project, `stuck ${i}`, { agent: `agent-${i}`, checkpoint: i === 2 }));
    await page.goto(`/interventions?project=${project}`);
    const rows = page.getByRole('row').filter({ hasText: project });
    await expect(rows).toHaveCount(4);
    const kb = page.keyboard;

    await kb.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toContainText('Resume (with an optional note for the agent)');
    await kb.press('Escape');
    await expect(help).toBeHidden();

    // j twice: the second row (oldest first) is highlighted and focused; x ticks its box.
    await kb.press('j');
    await kb.press('j');
    await expect(rows.nth(1)).toBeFocused();
    await expect(rows.nth(1)).toHaveAttribute('data-current', 'true');
    await kb.press('x');
    await expect(rows.nth(1).getByRole('checkbox', { name: `Select ${project} / agent-1` })).toBeChecked();
    await expect(page.getByText('1 selected')).toBeVisible();

    // a: abort agent-1 without the mouse (the dialog focuses its first field).
    await kb.press('a');
    const abort = page.getByRole('dialog', { name: `Abort ${project} / agent-1?` });
    await expect(abort.getByLabel('Reason')).toBeFocused();
    await kb.type('not needed any more');
    await kb.press('Tab');
    await expect(abort.getByRole('button', { name: 'Confirm abort' })).toBeFocused();
    await kb.press('Enter');
    await expect(rows).toHaveCount(3);
    const aborted = await api<{ decision: { action: string } }>(page, 'GET', `/api/v1/sessions/${ids[1]}/control`);
    expect(aborted.json.decision.action).toBe('abort');

    // k goes back to agent-0; r resumes it with a note.
    await kb.press('k');
    await expect(rows.nth(0)).toBeFocused();
    await kb.press('r');
    const resume = page.getByRole('dialog', { name: `Resume ${project} / agent-0?` });
    await expect(resume.getByLabel('Note for the agent (optional)')).toBeFocused();
    await kb.type('go on');
    await kb.press('Tab');
    await kb.press('Enter');
    await expect(rows).toHaveCount(2);
    const resumed = await api<{ decision: { action: string; note: string | null } }>(page, 'GET', `/api/v1/sessions/${ids[0]}/control`);
    expect(resumed.json.decision).toMatchObject({ action: 'resume', note: 'go on' });

    // The row that took the resumed one's place has the keyboard: n adds a note to agent-2 (the row stays),
    // e restores it from its checkpoint.
    await expect(rows.nth(0)).toContainText('agent-2');
    await expect(rows.nth(0)).toBeFocused();
    await kb.press('n');
    const note = page.getByRole('dialog', { name: `Add a note to ${project} / agent-2?` });
    await expect(note.getByLabel('Note', { exact: true })).toBeFocused();
    await kb.type('looking into it');
    await kb.press('Tab');
    await kb.press('Enter');
    await expect(note).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: `Note added to ${project} / agent-2.` })).toBeVisible();
    await expect(rows).toHaveCount(2);
    await rows.nth(0).focus();
    await kb.press('e');
    const restore = page.getByRole('dialog', { name: `Restore ${project} / agent-2?` });
    await expect(restore.getByLabel('Checkpoint')).toContainText('#1 · task completion · task-1 (latest)');
    await restore.getByRole('button', { name: 'Restore…' }).focus();
    await kb.press('Enter');
    await restore.getByRole('button', { name: 'Confirm restore' }).focus();
    await kb.press('Enter');
    await expect(rows).toHaveCount(1);
    const restored = await api<{ decision: { action: string } }>(page, 'GET', `/api/v1/sessions/${ids[2]}/control`);
    expect(restored.json.decision.action).toBe('restore');
  });

  test('at phone width (375 px) the page does not scroll sideways and a row is resumed by touch', async ({ page }) => {
    await signIn(page, 'engineer');
    await page.setViewportSize({ width: 375, height: 740 });
    const project = `e2e-phone-${randomUUID().slice(0, 6)}`;
    await pausedSession(page, project, 'Needs approval before deploying to production');
    await page.goto(`/interventions?project=${project}`);
    const resume = page.getByRole('row').filter({ hasText: project }).getByRole('button', { name: `Resume ${project} / e2e-coder` });
    await resume.scrollIntoViewIfNeeded();
    await expect(resume).toBeInViewport();
    const box = (await resume.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // The navigation is behind the menu button.
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' })).toBeInViewport();
    await page.getByRole('button', { name: 'Menu' }).click();
    await resume.click();
    const dialog = page.getByRole('dialog', { name: `Resume ${project} / e2e-coder?` });
    await dialog.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect(page.getByRole('row').filter({ hasText: project })).toHaveCount(0);
  });

  test('a pause seconds old loads without a hydration error or any page error', async ({ page }) => {
    await signIn(page, 'engineer');
    const project = `e2e-fresh-${randomUUID().slice(0, 6)}`;
    await pausedSession(page, project, 'Fresh pause');
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`console: ${m.text()}`);
    });
    // Hold the scripts back for over a second: the browser hydrates at least one second after the server
    // rendered the ages, so an age computed from the browser's clock would read differently.
    await page.route('**/_next/static/chunks/**', async (route) => {
      await new Promise((r) => setTimeout(r, 1_200));
      await route.continue();
    });
    await page.goto(`/interventions?project=${project}`);
    const row = page.getByRole('row').filter({ hasText: project });
    await expect(row).toBeVisible();
    // Connected means hydrated: by now React has reported any mismatch.
    await expect(page.getByRole('status', { name: /Live: connected/ })).toBeVisible();
    expect(problems).toEqual([]);
    // The age cell (after the selection box) reads in seconds: the case that mismatched.
    await expect(row.getByRole('cell').nth(1)).toHaveText(/^\d{1,2}s$/);
  });

  test('history filters live in the URL and export as CSV', async ({ page }) => {
    await signIn(page, 'engineer');
    await page.goto('/interventions/history');
    await page.getByLabel('Outcome').selectOption('resumed');
    await expect(page).toHaveURL(/resolution=resumed/);
    const res = await page.request.get('/interventions/export?resolution=resumed');
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    expect((await res.text()).split('\r\n')[0]).toBe(
      'id,session_id,project,agent_name,pause_type,reason,paused_at,resolution,resolved_by,resolved_at,resolution_seconds,resolution_note,action_count',
    );
  });

  test('the live stream answers with server-sent events', async ({ page }) => {
    await signIn(page, 'engineer');
    await page.goto('/interventions');
    await expect(page.getByRole('status', { name: /Live: connected/ })).toBeVisible();
  });
});
