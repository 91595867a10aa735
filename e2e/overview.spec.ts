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

test('a past range labels point-in-time figures for its end; an unusable range and empty charts say why', async ({ page }) => {
  await signIn(page, 'viewer');
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 24 * HOUR).toISOString().slice(0, 10);

  // The default range ends now: the counts are "right now"; the rates cover the range.
  await page.goto('/overview');
  await expect(page.getByRole('group', { name: 'Paused', exact: true })).toContainText('right now');
  await expect(page.getByRole('group', { name: 'Active sessions', exact: true })).toContainText('right now');
  await expect(page.getByRole('group', { name: 'Tool success', exact: true })).toContainText('last 7 days');
  await expect(page.getByText(/Showing the last/)).toHaveCount(0);

  // A past range: the same figures are taken at its end, and say so.
  await page.goto(`/overview?range=custom&from=${day(12)}&to=${day(10)}`);
  await expect(page.getByText('right now')).toHaveCount(0);
  await expect(page.getByRole('group', { name: 'Paused', exact: true })).toContainText(`at the range's end, ${day(9)} 00:00 UTC`);
  await expect(page.getByRole('group', { name: 'Active sessions', exact: true })).toContainText(`at the range's end, ${day(9)} 00:00 UTC`);

  // An inverted range is not silently replaced.
  await page.goto(`/overview?range=custom&from=${day(2)}&to=${day(5)}`);
  await expect(page.getByRole('status').filter({ hasText: 'custom range' })).toHaveText(
    `The custom range starts (${day(2)}) after it ends (${day(5)}). Showing the last 7 days instead.`,
  );
  await expect(page.getByRole('group', { name: 'Paused', exact: true })).toContainText('right now');

  // Years ago nothing happened: each empty chart says where its data would come from, not "agents are reporting".
  await page.goto('/overview?range=custom&from=2020-01-01&to=2020-01-02');
  const retries = page.getByRole('region', { name: 'Database retries' });
  await expect(retries).toContainText('No database retries in this range');
  await expect(retries).toContainText("Flightdeck's own database layer retries");
  await expect(page.getByText(/agents are reporting/)).toHaveCount(0);
});

test('Preferred tools labels every bar, the top one included', async ({ page }) => {
  await signIn(page, 'manager');
  const tag = `pref${randomUUID().slice(0, 6)}`;
  const now = Date.now();
  const tools = Array.from({ length: 10 }, (_, i) => `${tag}-tool-${i}`);
  const items = tools.flatMap((tool, t) =>
    Array.from({ length: 4 }, (_, k) => ({
      executionId: randomUUID(),
      userId: `${tag}-user`,
      toolName: tool,
      success: k <= t % 4,
      executionTimeMs: 50,
      createdAt: new Date(now - (k + 1) * HOUR).toISOString(),
    })),
  );
  const res = await page.request.post('/api/v1/tool-executions', {
    headers: { authorization: `Bearer ${apiToken()}`, 'content-type': 'application/json' },
    data: JSON.stringify(items),
  });
  expect(res.status()).toBe(200);
  await gotoWhenFiguresInclude(page, `/tools?range=7d&user=${tag}-user`, new Date());
  const pref = page.getByRole('region', { name: `Preferred tools for ${tag}-user` });
  // The ranking also lists fleet tools this user has not run (priors), up to 12: one label per bar, ours among them.
  const bars = pref.locator('.recharts-bar-rectangle');
  await expect(bars.nth(9)).toBeAttached();
  // Recharts draws tick labels in their own layer (z-index), not inside the axis group.
  const labels = pref.locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
  await expect(labels).toHaveCount(await bars.count());
  const texts = await labels.allTextContents();
  expect(texts.length).toBeGreaterThanOrEqual(tools.length);
  // The labels are the ranking's tools, top bar first: the table view lists the same, in the same order.
  await pref.getByRole('button', { name: 'Table' }).click();
  const ranked = await pref.getByRole('table').locator('tbody tr td:nth-child(2)').allTextContents();
  expect(texts).toEqual(ranked.slice(0, texts.length));
});

test('Recoveries takes the shared time-range picker: 90 days, a custom span, and says when a range is unusable', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto('/recoveries');
  const picker = page.getByRole('group', { name: 'Time range' });
  await expect(picker.getByRole('link', { name: '30 d' })).toHaveAttribute('aria-current', 'true');
  await picker.getByRole('link', { name: '90 d' }).click();
  await expect(page).toHaveURL(/range=90d/);
  await expect(page.getByText('Mean duration per day (Last 90 days)')).toBeVisible();
  await picker.getByLabel('From').fill('2026-01-01');
  await picker.getByLabel('To').fill('2026-01-31');
  await picker.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/range=custom&from=2026-01-01&to=2026-01-31/);
  await expect(page.getByText('Success rate per day (2026-01-01 – 2026-01-31)')).toBeVisible();
  await page.goto('/recoveries?range=custom&from=2026-02-01&to=2026-01-01');
  await expect(page.getByRole('status').filter({ hasText: 'custom range' })).toContainText('Showing the last 30 days instead.');
});
