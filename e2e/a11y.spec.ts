import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { api, expect, signIn, test } from './fixtures';

/**
 * Accessibility and layout across the console: an axe-core pass over every page (serious and critical
 * findings fail, with WCAG 2.5.3 "label in name" switched on), the navigation per role, disabled controls that
 * say why, tables that fit at 1400 px and a sidebar as tall as the page.
 */
type Json = Record<string, unknown>;

const long = (word: string, n: number) => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

/** A session with a long task, a checkpoint, an open pause, and a failed recovery with a long error. */
async function seedFleet(page: Page) {
  const project = `e2e-a11y-${randomUUID().slice(0, 6)}`;
  const created = await api<Json>(page, 'POST', '/api/v1/sessions', {
    project,
    agent: 'coder',
    externalId: `run-${randomUUID()}`,
    currentTask: `Refactor ${long('module', 40)}`,
  });
  const sessionId = String((created.json.session as Json).id);
  const cp = await api<Json>(page, 'POST', `/api/v1/sessions/${sessionId}/checkpoints`, {
    checkpointType: 'task_completion',
    conversationHistory: [{ role: 'user', content: 'start' }],
    currentTaskId: 'task-1',
    completedTasks: [],
  });
  await api(page, 'POST', '/api/v1/events', { eventType: 'tool_call', aggregateId: sessionId, metadata: { tool: 'file_read', duration_ms: 40 } });
  return { project, sessionId, checkpointId: String(cp.json.id) };
}

async function failedRecovery(page: Page, sessionId: string, checkpointId: string) {
  await page.goto(`/sessions/${sessionId}/checkpoints/${checkpointId}`);
  await page.getByRole('button', { name: 'Restore #1' }).first().click();
  await page.getByRole('dialog', { name: 'Restore checkpoint #1?' }).getByRole('button', { name: 'Confirm restore' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Recovery started' })).toBeVisible();
  const control = await api<Json>(page, 'GET', `/api/v1/sessions/${sessionId}/control`);
  const recoveryId = String((control.json.decision as Json).recoveryId);
  const done = await api(page, 'POST', `/api/v1/recoveries/${recoveryId}/complete`, {
    status: 'failed',
    error: `RestoreError: ${long('could_not_replay_step_', 30)}`,
  });
  expect(done.status).toBe(200);
}

async function importChecklist(page: Page) {
  const title = `A11y checklist ${randomUUID().slice(0, 6)}`;
  await page.goto('/checklists/import');
  await page.getByLabel('Markdown').fill([`# ${title}`, '', '## Pre-Deployment', '- [ ] Backups verified', '- [x] Ticket approved', ''].join('\n'));
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('button', { name: 'Save as checklist' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  return new URL(page.url()).pathname;
}

async function axe(page: Page) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    // 2.5.3: a control's accessible name contains its visible label (an experimental rule, off by default).
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

test('axe finds no serious or critical violation on any console page', async ({ page }) => {
  test.setTimeout(300_000);
  const { sessionId, checkpointId } = await seedFleet(page);
  await signIn(page, 'admin');
  await failedRecovery(page, sessionId, checkpointId);
  const checklist = await importChecklist(page);
  const other = await seedFleet(page);
  const paused = await api<Json>(page, 'POST', `/api/v1/sessions/${other.sessionId}/pause`, { reason: 'Needs a decision', pauseType: 'blocker' });
  expect(paused.status).toBe(201);

  const pages = [
    '/overview',
    '/interventions',
    '/interventions/history',
    '/sessions',
    `/sessions/${sessionId}`,
    `/sessions/${sessionId}/checkpoints/${checkpointId}`,
    '/recoveries',
    '/tools',
    '/database',
    '/checklists',
    '/checklists/new',
    '/checklists/import',
    checklist,
    '/settings',
    '/settings/notifications',
    '/settings/users',
    '/settings/tokens',
    '/settings/audit',
  ];
  const found: Record<string, string[]> = {};
  for (const path of pages) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // Deferred widgets (charts, cards behind Suspense) settle.
    await page.waitForTimeout(500);
    const violations = await axe(page);
    if (violations.length) found[path] = violations;
  }
  // The inbox with a row's details and a dialog open.
  await page.goto('/interventions');
  await page.getByRole('button', { name: /^Details for / }).first().click();
  await page.getByRole('button', { name: /^Resume e2e-a11y-/ }).first().click();
  await expect(page.getByRole('dialog')).toBeVisible();
  const dialog = await axe(page);
  if (dialog.length) found['/interventions (details and dialog open)'] = dialog;

  await page.context().clearCookies();
  await page.goto('/sign-in');
  const signInPage = await axe(page);
  if (signInPage.length) found['/sign-in'] = signInPage;
  expect(found).toEqual({});
});

test('the navigation shows each role only the pages it can open; disabled boxes say why', async ({ page, browser }) => {
  await signIn(page, 'qa');
  const checklist = await importChecklist(page);

  const viewer = await browser.newPage({ baseURL: test.info().project.use.baseURL });
  await signIn(viewer, 'viewer');
  const nav = viewer.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Checklists' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Settings' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Database' })).toHaveCount(0);
  await viewer.goto(checklist);
  const box = viewer.getByRole('checkbox', { name: 'Backups verified' });
  await expect(box).toBeDisabled();
  await expect(box).toHaveAccessibleDescription("Your role (viewer) can't tick items: admin, engineer, qa can.");
  await expect(box).toHaveAttribute('title', "Your role (viewer) can't tick items: admin, engineer, qa can.");
  await viewer.close();

  const manager = await browser.newPage({ baseURL: test.info().project.use.baseURL });
  await signIn(manager, 'manager');
  await expect(manager.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Database' })).toBeVisible();
  await manager.close();

  // QA can tick: no reason is attached.
  await page.goto(checklist);
  await expect(page.getByRole('checkbox', { name: 'Backups verified' })).toBeEnabled();
  await expect(page.getByRole('checkbox', { name: 'Backups verified' })).not.toHaveAttribute('title');
});

test('at 1400 px no table is wider than its container; the sidebar is as tall as a long page', async ({ page }) => {
  const { sessionId, checkpointId } = await seedFleet(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await signIn(page, 'admin');
  await failedRecovery(page, sessionId, checkpointId);
  const other = await seedFleet(page);
  await api(page, 'POST', `/api/v1/sessions/${other.sessionId}/pause`, {
    reason: `Blocked: ${long('reason', 20)}`,
    pauseType: 'error',
    currentTask: long('task', 30),
    context: { last_error: `Error: ${long('frame_', 30)}` },
  });

  for (const path of ['/sessions', '/recoveries', '/settings/audit', '/interventions']) {
    await page.goto(path);
    await expect(page.getByRole('table').first()).toBeVisible();
    const widths = await page.locator('table').evaluateAll((tables) =>
      tables.map((t) => ({
        scroll: t.parentElement!.scrollWidth,
        client: t.parentElement!.clientWidth,
        columns: [...t.querySelectorAll('thead th')].map((th) => `${th.textContent || '·'} ${Math.round(th.getBoundingClientRect().width)}`).join(', '),
      })),
    );
    for (const w of widths) expect(w.scroll, `${path}: a table overflows its container (${w.columns})`).toBeLessThanOrEqual(w.client);
    const page_ = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(page_, `${path}: the page scrolls sideways`).toBeLessThanOrEqual(0);
  }

  // A page taller than the window: the sidebar's background reaches the bottom once scrolled there.
  await page.setViewportSize({ width: 1400, height: 400 });
  await page.goto('/settings/audit');
  const { sidebar, doc } = await page.evaluate(() => ({
    sidebar: document.querySelector('[data-testid="sidebar"]')!.getBoundingClientRect().height,
    doc: document.documentElement.scrollHeight,
  }));
  expect(doc).toBeGreaterThan(400);
  expect(sidebar).toBeGreaterThanOrEqual(doc - 1);
});
