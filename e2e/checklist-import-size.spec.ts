import { expect, signIn, test } from './fixtures';

/**
 * The import allows 2 MB of Markdown: a checklist of 1.5 MB is previewed and saved; anything over 2 MB is refused
 * with the same message in the form (before sending) and by the server action (a client that skips the form).
 */
const TOO_LARGE = /over 2 MB \(an import may be at most 2,000,000 bytes\)/;

/** A checklist of about `bytes` bytes: 10 sections of long items. */
function bigChecklist(title: string, bytes: number) {
  const filler = 'verify the replica lag, the queue depth and the error budget before moving on; '.repeat(18);
  const lines = [`# ${title}`, ''];
  let size = 0;
  for (let s = 1; size < bytes; s++) {
    lines.push(`## Step ${s}`);
    for (let i = 1; i <= 100 && size < bytes; i++) {
      const line = `- [ ] Item ${s}.${i}: ${filler}`;
      lines.push(line);
      size += line.length + 1;
    }
    lines.push('');
  }
  return lines.join('\n');
}

test.beforeEach(async ({ page }) => {
  await signIn(page, 'qa');
  await page.goto('/checklists/import');
});

test('a 1.5 MB checklist is previewed and saved', async ({ page }) => {
  const title = `Big import ${Date.now().toString(36)}`;
  const markdown = bigChecklist(title, 1_500_000);
  expect(Buffer.byteLength(markdown)).toBeGreaterThan(1_400_000);
  await page.getByLabel('Upload a .md file').setInputFiles({ name: 'big.md', mimeType: 'text/markdown', buffer: Buffer.from(markdown) });
  await expect(page.getByLabel('Markdown')).not.toHaveValue('');
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('region', { name: 'Import preview' });
  await expect(preview).toContainText(title);
  await page.getByRole('button', { name: 'Save as checklist' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible({ timeout: 30_000 });
});

test('over 2 MB is refused with the message: a file, a paste of multi-byte text, and a direct action call', async ({ page, baseURL }) => {
  // A file over the limit never reaches the text box.
  await page.getByLabel('Upload a .md file').setInputFiles({
    name: 'huge.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from(bigChecklist('Huge', 2_100_000)),
  });
  await expect(page.getByText(TOO_LARGE)).toBeVisible();
  await page.reload();

  // 1.2 million "é" are fewer than 2,000,000 characters but 2.4 MB on the wire.
  await page.getByLabel('Markdown').fill(`# Accents\n\n## Step\n- [ ] ${'é'.repeat(1_200_000)}`);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByText(TOO_LARGE)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Import preview' })).toHaveCount(0);

  // A client that skips the form's check: the preview action itself answers with the message, not a 500.
  const marker = 'MARKER-5f1c';
  await page.getByLabel('Markdown').fill(`# Small\n\n## Step\n- [ ] ${marker}`);
  const captured = page.waitForRequest((r) => r.method() === 'POST' && !!r.headers()['next-action']);
  await page.getByRole('button', { name: 'Preview' }).click();
  const request = await captured;
  await expect(page.getByRole('region', { name: 'Import preview' })).toBeVisible();
  const body = request.postData() ?? '';
  expect(body).toContain(marker);
  const res = await page.request.fetch('/checklists/import', {
    method: 'POST',
    headers: {
      'next-action': request.headers()['next-action'],
      'content-type': request.headers()['content-type'],
      accept: 'text/x-component',
      origin: baseURL!,
    },
    data: Buffer.from(body.replace(marker, 'x'.repeat(2_500_000))),
  });
  expect(res.status()).toBe(200);
  expect(await res.text()).toMatch(TOO_LARGE);
});
