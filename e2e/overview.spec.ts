import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { apiToken, expect, signIn, test } from './fixtures';

/**
 * Overview and Tools with data posted through the agent API: charts draw, the table view shows the same rows,
 * the time range changes the charts, and CSV downloads carry the table.
 */
const HOUR = 3_600_000;

async function postToolExecutions(page: import('@playwright/test').Page, tag: string) {
  const now = Date.now();
  const items = Array.from({ length: 60 }, (_, i) => {
    const tool = [`${tag}-search`, `${tag}-shell`, `${tag}-fetch`][i % 3];
    // The shell tool fails often; executions spread over 5 days, a third of them in the last 24 hours.
    const success = !(tool.endsWith('shell') && i % 2 === 0);
    return {
      executionId: randomUUID(),
      userId: i % 4 === 0 ? `${tag}-alice` : `${tag}-bob`,
      toolName: tool,
      success,
      executionTimeMs: 20 + ((i * 37) % 900),
      errorMessage: success ? undefined : `${tag}: exit code 137`,
      createdAt: new Date(now - (i < 20 ? (i + 1) * 0.5 * HOUR : 30 * HOUR + i * 1.5 * HOUR)).toISOString(),
    };
  });
  // One batch (the body is the array); createdAt places each execution in the past.
  const res = await page.request.post('/api/v1/tool-executions', {
    headers: { authorization: `Bearer ${apiToken()}`, 'content-type': 'application/json' },
    data: JSON.stringify(items),
  });
  return { status: res.status(), json: res.ok() ? ((await res.json()) as { inserted: number }) : await res.text() };
}

/**
 * The roll-ups are refreshed by the background job only (every second in the e2e server), never by the page:
 * reload until the page's "Figures as of" line is from a later second than `since`.
 */
async function gotoWhenFiguresInclude(page: import('@playwright/test').Page, path: string, since: Date) {
  const after = since.toISOString().slice(11, 19);
  await expect(async () => {
    await page.goto(path);
    const text = await page.getByTestId('figures-as-of').innerText();
    const asOf = /as of (\d\d:\d\d:\d\d) UTC/.exec(text)?.[1] ?? '';
    expect(asOf > after, `figures as of ${asOf || text}, posted at ${after}`).toBe(true);
  }).toPass({ timeout: 20_000, intervals: [500, 1000] });
}

test('Overview and Tools draw their charts from posted tool executions; range and CSV work', async ({ page }) => {
  await signIn(page, 'manager');
  const tag = `e2e${randomUUID().slice(0, 6)}`;
  const posted = await postToolExecutions(page, tag);
  expect(posted).toEqual({ status: 200, json: expect.objectContaining({ inserted: 60 }) });

  await gotoWhenFiguresInclude(page, '/overview?range=7d', new Date());
  await expect(page.getByTestId('figures-as-of')).toContainText('refreshed every 1 s');
  const trend = page.getByRole('region', { name: 'Tool success trend' });
  await expect(trend.locator('.recharts-surface').first()).toBeVisible();
  await expect(trend).toContainText('tool executions');
  const weekText = await trend.locator('header p').innerText();
  const failing = page.getByRole('region', { name: 'Top failing tools' });
  await expect(failing.locator('.recharts-surface').first()).toBeVisible();
  await expect(page.getByRole('group', { name: 'Tool success', exact: true })).not.toContainText('—');

  // Table view: the same data as rows.
  await failing.getByRole('button', { name: 'Table' }).click();
  await expect(failing.getByRole('table')).toContainText(`${tag}-shell`);

  // CSV download of a chart.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    trend.getByRole('link', { name: 'Download Tool success trend as CSV' }).click(),
  ]);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv.split('\r\n')[0]).toBe('bucket,executions,failures,success_rate');
  expect(csv.split('\r\n').filter(Boolean).length).toBeGreaterThan(2);

  // The time range is in the URL and changes the charts.
  await page.getByRole('link', { name: '24 h' }).click();
  await expect(page).toHaveURL(/range=24h/);
  await expect(page.getByRole('region', { name: 'Tool success trend' }).locator('header p')).not.toHaveText(weekText);

  // Tools page: statistics, latency chart, preference for a user, failures filtered by tool.
  await page.goto(`/tools?range=7d&user=${tag}-alice`);
  const stats = page.getByRole('table', { name: 'Tool statistics' });
  await expect(stats).toContainText(`${tag}-shell`);
  await expect(stats.getByRole('img', { name: `${tag}-shell success rate trend` })).toBeVisible();
  // 20 shell runs in the week, 7 of them in the last 24 hours (other specs' tools may share the table).
  await expect(stats.getByRole('row', { name: new RegExp(`${tag}-shell`) }).getByRole('cell').nth(1)).toHaveText('20');
  await expect(page.getByRole('region', { name: 'Execution time by tool' }).locator('.recharts-surface').first()).toBeVisible();
  const pref = page.getByRole('region', { name: `Preferred tools for ${tag}-alice` });
  await expect(pref.locator('.recharts-surface').first()).toBeVisible();
  await expect(page.getByText('How the preference score is computed')).toBeVisible();

  await page.getByRole('link', { name: '24 h' }).click();
  await expect(page).toHaveURL(/range=24h/);
  await expect(page.getByRole('table', { name: 'Tool statistics' }).getByRole('row', { name: new RegExp(`${tag}-shell`) }).getByRole('cell').nth(1)).toHaveText('7');

  const filter = page.getByRole('form', { name: 'Filter failures' });
  await filter.getByLabel('Tool').selectOption(`${tag}-shell`);
  await filter.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(new RegExp(`tool=${tag}-shell`));
  await expect(page.getByRole('table', { name: 'Recent failures' })).toContainText(`${tag}: exit code 137`);
});
