import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { Page } from '@playwright/test';
import { apiToken, expect, signIn, test } from './fixtures';

/**
 * The Python client's own tests (`python3 -m unittest` in clients/python) against this suite's server. The
 * example agent's tests need a person: when the agent has paused, the Python test prints
 * `FLIGHTDECK_PERSON_WANTED {json}` and waits; this spec is that person, signed in as an engineer, and answers
 * in the Interventions inbox as one would (resume with a note, restore from the latest checkpoint, abort with
 * a reason). The Python side then asserts what the agent did with the decision.
 */
type Ask = { action: 'resume' | 'restore' | 'abort'; project: string; agent: string; sessionId: string; note?: string; reason?: string };

async function answer(page: Page, ask: Ask) {
  const label = `${ask.project} / ${ask.agent}`;
  await page.goto(`/interventions?project=${ask.project}`);
  const row = page.getByRole('row').filter({ hasText: ask.project });
  await expect(row).toHaveCount(1);
  if (ask.action === 'resume') {
    await row.getByRole('button', { name: `Resume ${label}` }).click();
    const dialog = page.getByRole('dialog', { name: `Resume ${label}?` });
    await dialog.getByLabel('Note for the agent (optional)').fill(ask.note ?? '');
    await dialog.getByRole('button', { name: 'Resume', exact: true }).click();
  } else if (ask.action === 'abort') {
    await row.getByRole('button', { name: `Abort ${label}` }).click();
    const dialog = page.getByRole('dialog', { name: `Abort ${label}?` });
    await dialog.getByLabel('Reason').fill(ask.reason ?? '');
    await dialog.getByRole('button', { name: 'Confirm abort' }).click();
  } else {
    await row.getByRole('button', { name: `Details for ${label}` }).click();
    const panel = page.getByRole('region', { name: `Intervention ${label}` });
    await panel.getByRole('button', { name: 'Restore…' }).click();
    await panel.getByRole('button', { name: 'Confirm restore' }).click();
  }
  await expect(page.getByRole('row').filter({ hasText: ask.project })).toHaveCount(0);
}

test('the Python client and the example agent pass their tests against the running app', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  await signIn(page, 'engineer');
  const child = spawn('python3', ['-m', 'unittest', '-v'], {
    cwd: path.resolve('clients/python'),
    env: {
      ...process.env,
      FLIGHTDECK_URL: baseURL!,
      FLIGHTDECK_TOKEN: apiToken(),
      FLIGHTDECK_PERSON: 'stdout',
      FLIGHTDECK_DECISION_TIMEOUT: '90',
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const kill = setTimeout(() => child.kill('SIGTERM'), 220_000);
  const answered: string[] = [];
  try {
    for await (const line of readline.createInterface({ input: child.stdout })) {
      output += line + '\n';
      const m = /^FLIGHTDECK_PERSON_WANTED (.+)$/.exec(line);
      if (!m) continue;
      const ask = JSON.parse(m[1]) as Ask;
      await answer(page, ask);
      answered.push(ask.action);
    }
  } finally {
    clearTimeout(kill);
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  const code = await exited;
  expect(code, output).toBe(0);
  expect(output).toMatch(/^OK$/m);
  expect(output, 'no test may be skipped here').not.toMatch(/skipped/);
  expect(answered.sort()).toEqual(['abort', 'restore', 'resume']);
});
