import { spawn } from 'node:child_process';
import type { Browser } from '@playwright/test';
import { api, apiToken, expect, signIn, test } from './fixtures';

/**
 * Release gates end to end against the built app: an admin gives a template its approval policy, a pipeline
 * creates the release's checklist through the API and polls its gate (and runs `npm run gate` as a CI step
 * would), QA ticks and signs in the browser and is refused a second role with the reason on the panel, an
 * engineer signs the last role, and the gate goes pending → pass; a void after the deploy fails it.
 */
type Gate = { state: 'pass' | 'pending' | 'fail'; missing: { kind: string; role?: string; message: string }[] };

async function as(browser: Browser, role: 'qa' | 'engineer' | 'admin', url: string) {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await signIn(page, role);
  await page.goto(url);
  return page;
}

/** `npm run gate` as a pipeline step runs it; resolves with its exit code and output. */
function runGate(checklistId: string, wait: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', 'gate', '--', '--checklist', checklistId, '--wait', String(wait)], {
      env: { ...process.env, FLIGHTDECK_URL: test.info().project.use.baseURL!, FLIGHTDECK_TOKEN: apiToken() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), (wait + 30) * 1000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test('QA ticks and signs, a second role is refused with the reason, the gate goes pending → pass; npm run gate exits 0/1/2', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const title = `Gate e2e ${Date.now().toString(36)}`;
  await signIn(page, 'admin');
  await page.goto('/checklists/import');
  await page.getByLabel('Markdown').fill(
    [`# ${title}`, '## Pre-Deployment', '- [ ] Backups verified', '## Post-Deployment', '- [ ] Smoke tests green', '## Sign-Off',
      'Development: ____ Date: ____', 'QA: ____ Date: ____', ''].join('\n'),
  );
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('button', { name: 'Save as template' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  // The template editor: QA is named as a Development signer, and each role needs a different person.
  await page.getByRole('button', { name: 'Edit approval policy' }).click();
  const form = page.getByRole('form', { name: 'Approval policy' });
  await form.getByLabel('Named signers of Development').fill('qa@flightdeck.local');
  await form.getByLabel('A different person for each role').check();
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(form.getByRole('status')).toHaveText('Policy saved.');
  const rules = page.getByRole('list', { name: 'Approval rules' });
  await expect(rules).toContainText('Development: 1 person · admin or engineer, or qa@flightdeck.local');
  await expect(rules).toContainText('Each role by a different person');

  // The pipeline creates the release's checklist (idempotently) and asks the gate.
  const body = { template: title, version: '3.2.1', environment: 'staging', commitSha: 'deadbeef' };
  const created = await api<{ checklist: { id: string } }>(page, 'POST', '/api/v1/checklists', body);
  expect(created.status).toBe(201);
  const again = await api<{ checklist: { id: string } }>(page, 'POST', '/api/v1/checklists', body);
  expect([again.status, again.json.checklist.id]).toEqual([200, created.json.checklist.id]);
  const id = created.json.checklist.id;
  const gate = async (wait = 0) => (await api<Gate>(page, 'GET', `/api/v1/checklists/${id}/gate?wait=${wait}`)).json;
  expect((await gate()).state).toBe('pending');
  const timedOut = await runGate(id, 1);
  expect(timedOut.code).toBe(2);
  expect(timedOut.out).toContain('gate pending');
  expect(timedOut.out).toContain('2 required items are not ticked');

  // QA ticks and signs QA; Development is then refused to them, and the panel says why.
  const qa = await as(browser, 'qa', `/checklists/${id}`);
  for (const item of ['Backups verified', 'Smoke tests green']) {
    await qa.getByRole('checkbox', { name: item, exact: true }).check();
    await expect(qa.getByRole('checkbox', { name: item, exact: true })).toBeChecked();
  }
  const qaRole = qa.getByRole('listitem', { name: 'QA sign-off' });
  await qaRole.getByRole('button', { name: 'Sign QA' }).click();
  await expect(qaRole).toContainText('Signed by Quinn QA');
  const dev = qa.getByRole('listitem', { name: 'Development sign-off' });
  await expect(dev.getByRole('button', { name: 'Sign Development' })).toBeDisabled();
  await expect(dev.getByRole('note', { name: 'Why Development cannot be signed' })).toHaveText(
    'You signed QA already: the policy asks a different person for each role',
  );

  // Polled like a pipeline: still pending, waiting on Development only.
  const pending = await gate(1);
  expect(pending.state).toBe('pending');
  expect(pending.missing.map((m) => m.role)).toEqual(['development']);

  // An engineer signs Development; a waiting long-poll answers pass.
  const waiting = gate(20);
  const engineer = await as(browser, 'engineer', `/checklists/${id}`);
  await engineer.getByRole('listitem', { name: 'Development sign-off' }).getByRole('button', { name: 'Sign Development' }).click();
  await expect(engineer.getByRole('listitem', { name: 'Development sign-off' })).toContainText('Signed by Eli Engineer');
  expect((await waiting).state).toBe('pass');
  const passed = await runGate(id, 5);
  expect([passed.code, passed.out]).toEqual([0, expect.stringContaining('gate pass')]);

  // Deployed; then a sign-off voided by an untick fails the gate.
  expect((await api(page, 'POST', `/api/v1/checklists/${id}/deployed`)).status).toBe(200);
  await qa.reload();
  await qa.getByRole('checkbox', { name: 'Smoke tests green', exact: true }).uncheck();
  await expect(qa.getByRole('checkbox', { name: 'Smoke tests green', exact: true })).not.toBeChecked();
  await expect.poll(async () => (await gate()).state).toBe('fail');
  const failed = await runGate(id, 0);
  expect(failed.code).toBe(1);
  expect(failed.out).toContain('was voided after the deploy');

  // The console lists the release under its environment.
  await page.goto('/checklists?tab=releases');
  await expect(page.getByRole('heading', { name: 'staging', exact: true })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: `${title} 3.2.1` })).toContainText('3.2.1');
});
