import type { Browser, Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';

/** Page object for one checklist's detail page. */
class ChecklistPage {
  constructor(readonly page: Page) {}

  item(text: string) {
    return this.page.getByRole('checkbox', { name: text, exact: true });
  }

  async tick(text: string) {
    await this.item(text).check();
    await expect(this.item(text)).toBeChecked();
    await expect(this.item(text)).toBeEnabled();
  }

  async untick(text: string) {
    await this.item(text).uncheck();
    await expect(this.item(text)).not.toBeChecked();
  }

  role(label: string) {
    return this.page.getByRole('listitem', { name: `${label} sign-off` });
  }

  signButton(label: string) {
    return this.role(label).getByRole('button', { name: `Sign ${label}` });
  }
}

async function openAs(browser: Browser, role: 'manager' | 'qa', url: string) {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await signIn(page, role);
  await page.goto(url);
  return page;
}

function releaseMarkdown(title: string) {
  return [
    `# ${title}`,
    '',
    '## Pre-Deployment',
    '- [ ] Backups verified',
    '- [x] Change ticket approved',
    '- [ ] Database migration reviewed',
    '  ```bash',
    '  npm run db:migrate -- --dry-run',
    '  ```',
    '  - [ ] Dry run on staging',
    '',
    '## Post-Deployment',
    '- [ ] Smoke tests green',
    '- [ ] (optional) Announce in #releases',
    '',
    '## Rollback Criteria',
    '- Error rate above 2% for 5 minutes',
    '',
    '## Sign-Off',
    'QA: ____ Date: ____',
    'Production: ____ Date: ____',
    '',
  ].join('\n');
}

test('QA imports and signs, a manager signs Production, a later untick voids both sign-offs', async ({ page, browser }) => {
  const title = `Release e2e ${Date.now().toString(36)}`;
  await signIn(page, 'qa');
  await page.goto('/checklists');
  await page.getByRole('link', { name: 'Import Markdown' }).click();

  // Paste → preview with counts → save.
  await page.getByLabel('Markdown').fill(releaseMarkdown(title));
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('region', { name: 'Import preview' });
  await expect(preview).toContainText('Pre-Deployment');
  await expect(preview).toContainText('Rollback Criteria');
  await expect(preview).toContainText('Sign-off roles: QA, Production');
  const totals = Object.fromEntries(
    await preview.locator('dl > div').evaluateAll((divs) =>
      divs.map((d) => [d.querySelector('dt')?.textContent ?? '', d.querySelector('dd')?.textContent ?? '']),
    ),
  );
  expect(totals).toEqual({ Sections: '3', Items: '6', Required: '5', Ticked: '1', 'Sub-items': '1', Commands: '1' });
  await page.getByLabel('Version').fill('2.4.0');
  await page.getByLabel('Environment').fill('production');
  await page.getByRole('button', { name: 'Save as checklist' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const detailUrl = new URL(page.url()).pathname;
  expect(detailUrl).toMatch(/^\/checklists\/[0-9a-f-]{36}$/);

  const qa = new ChecklistPage(page);
  await expect(qa.item('Change ticket approved')).toBeChecked();
  await expect(page.getByText('npm run db:migrate -- --dry-run')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy command' })).toBeVisible();
  // The sign button waits for the required items.
  await expect(qa.signButton('QA')).toBeDisabled();
  await expect(qa.role('QA')).toContainText('4 open items');

  for (const text of ['Backups verified', 'Database migration reviewed', 'Dry run on staging', 'Smoke tests green']) {
    await qa.tick(text);
  }
  await expect(qa.role('QA')).toContainText('Ready to sign');
  await qa.signButton('QA').click();
  await expect(qa.role('QA')).toContainText('Signed by Quinn QA');
  // QA may not sign Production: no button, only who may.
  await expect(qa.role('Production').getByRole('button')).toHaveCount(0);

  // A manager signs Production; managers do not tick.
  const managerPage = await openAs(browser, 'manager', detailUrl);
  const manager = new ChecklistPage(managerPage);
  await expect(manager.item('Backups verified')).toBeDisabled();
  await manager.signButton('Production').click();
  await expect(manager.role('Production')).toContainText('Signed by Mia Manager');
  await expect(managerPage.getByText('signed off', { exact: true }).first()).toBeVisible();
  // Signed off: the rollback criteria move to the top.
  await expect(managerPage.getByRole('region', { name: 'Rollback criteria' })).toContainText('Error rate above 2%');

  // QA's open page sees the manager's sign-off without reloading.
  await expect(qa.role('Production')).toContainText('Signed by Mia Manager', { timeout: 15_000 });

  // A change after sign-off voids what covered it, visibly and with who did it.
  await qa.untick('Smoke tests green');
  await expect(qa.role('QA')).toContainText('Voided by Quinn QA');
  await expect(qa.role('Production')).toContainText('Voided by Quinn QA');
  await expect(qa.role('QA')).toContainText('unticked "Smoke tests green"');
  await expect(qa.signButton('QA')).toBeDisabled();
  // …and the manager's page shows it live too.
  await expect(manager.role('Production')).toContainText('Voided by Quinn QA', { timeout: 15_000 });
  await expect(manager.signButton('Production')).toBeDisabled();

  // History lists every step.
  const history = page.getByRole('list', { name: 'History' });
  await expect(history).toContainText('signed off QA');
  await expect(history).toContainText('signed off Production');
  await expect(history).toContainText('voided the Production sign-off');

  // Export gives Markdown that names the checklist.
  const res = await page.request.get(`${detailUrl}/export`);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('text/markdown');
  expect(await res.text()).toContain(`# ${title}`);
  await managerPage.context().close();
});

test('a viewer reads a checklist but cannot tick or sign, and the list shows it', async ({ page, browser }) => {
  const title = `Viewer check ${Date.now().toString(36)}`;
  await signIn(page, 'qa');
  await page.goto('/checklists/import');
  await page.getByLabel('Markdown').fill(`# ${title}\n\n## Deployment\n- [ ] Deploy\n`);
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('button', { name: 'Save as checklist' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const url = new URL(page.url()).pathname;

  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const viewer = await context.newPage();
  await signIn(viewer, 'viewer');
  await viewer.goto('/checklists');
  await expect(viewer.getByRole('link', { name: 'Import Markdown' })).toHaveCount(0);
  await viewer.getByRole('link', { name: title }).click();
  await expect(viewer).toHaveURL(new RegExp(`${url}$`));
  await expect(viewer.getByRole('checkbox', { name: 'Deploy', exact: true })).toBeDisabled();
  await expect(viewer.getByRole('button', { name: /^Sign (Development|QA|DevOps|Production)$/ })).toHaveCount(0);
  await context.close();
});

test('a note goes with the change it was written for, once; history renders Markdown', async ({ page }) => {
  const title = `Notes e2e ${Date.now().toString(36)}`;
  await signIn(page, 'qa');
  await page.goto('/checklists/import');
  await page.getByLabel('Markdown').fill(`# ${title}\n\n## Deployment\n- [x] Error rate **must stay < 0.5%**\n- [ ] Deploy\n`);
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('button', { name: 'Save as checklist' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const c = new ChecklistPage(page);
  const item = 'Error rate must stay < 0.5%';
  await expect(c.item(item)).toBeChecked();

  // A note written for the untick goes with the untick…
  await page.getByRole('button', { name: /Add a note to .*Error rate/ }).click();
  await page.getByLabel(/Note for unticking/).fill('Announcement draft not approved yet');
  await c.untick(item);
  const history = page.getByRole('list', { name: 'History' });
  await expect(history.getByRole('listitem').first()).toContainText('unticked “Error rate must stay < 0.5%” — Announcement draft not approved yet');
  // …and is gone afterwards: the field is closed and the next tick carries no note.
  await expect(page.getByLabel(/Note for (un)?ticking/)).toHaveCount(0);
  await c.tick(item);
  await expect(history.getByRole('listitem').first()).toContainText('ticked “Error rate must stay < 0.5%”');
  await expect(history.getByRole('listitem').first()).not.toContainText('Announcement');
  // The item's Markdown is drawn, not shown as asterisks.
  await expect(history.getByRole('listitem').first().locator('strong')).toHaveText('must stay < 0.5%');
  await expect(history).not.toContainText('**');

  // A note opened for a tick and left empty sends nothing; a note for the tick goes with the tick.
  await page.getByRole('button', { name: /Add a note to .*Deploy/ }).click();
  await page.getByLabel(/Note for ticking “Deploy”/).fill('deployed by hand');
  await c.tick('Deploy');
  await expect(history.getByRole('listitem').first()).toContainText('ticked “Deploy” — deployed by hand');
});

test('import keeps the intro and a command block language; sign-off cards say who can sign', async ({ page }) => {
  const title = `Intro e2e ${Date.now().toString(36)}`;
  const markdown = [
    `# ${title}`,
    '',
    'Ships the billing rewrite behind a flag.',
    '',
    '## Deployment',
    '- [ ] Migrate',
    '  ```bash',
    '  npm run db:migrate',
    '  ```',
    '',
    '## Sign-Off',
    'Production: ____ Date: ____',
    '',
  ].join('\n');
  await signIn(page, 'qa');
  await page.goto('/checklists/import');
  await page.getByLabel('Markdown').fill(markdown);
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('region', { name: 'Import preview' });
  await expect(preview).toContainText('Intro:');
  await expect(preview).toContainText('Ships the billing rewrite behind a flag.');
  await expect(preview.locator('dl > div').first()).toContainText('1');
  await page.getByRole('button', { name: 'Save as checklist' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Introduction' })).toHaveText('Ships the billing rewrite behind a flag.');
  // QA may not sign Production: the card says who can, not who did.
  const production = page.getByRole('listitem', { name: 'Production sign-off' });
  await expect(production).toContainText('Not signed yet · can be signed by');
  await expect(production).not.toContainText('Signed by:');

  const res = await page.request.get(`${new URL(page.url()).pathname}/export`);
  const exported = await res.text();
  expect(exported).toContain(`# ${title}\n\nShips the billing rewrite behind a flag.\n`);
  expect(exported).toContain('  ```bash\n  npm run db:migrate\n  ```');
});
