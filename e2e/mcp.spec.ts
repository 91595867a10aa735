import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { apiToken, expect, signIn, test } from './fixtures';

/**
 * The production build's MCP endpoint, spoken to by the SDK's own Client over Streamable HTTP: an agent asks a
 * person through request_human_decision while an engineer resumes in the console; an admin's assistant token lists
 * interventions and aborts one (audited as the admin, via MCP); a read-only token cannot act; malformed arguments
 * are a tool error naming the field and write nothing.
 */
type ToolResult = { isError?: boolean; content: Array<{ type: string; text?: string }>; structuredContent?: Record<string, unknown> };

const clients: Client[] = [];
test.afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

async function mcp(baseURL: string, token: string) {
  const client = new Client({ name: 'e2e-mcp', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/api/mcp', baseURL), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  clients.push(client);
  return {
    names: async () => (await client.listTools()).tools.map((t) => t.name).sort(),
    call: async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args }, undefined, { timeout: 90_000 })) as ToolResult,
  };
}

/** Settings → API tokens as the admin: the token's owner is the admin. */
async function createToken(page: Page, scopes: string[]) {
  const name = `e2e-mcp-${scopes.join('-')}-${randomUUID().slice(0, 6)}`;
  await page.goto('/settings/tokens');
  await page.getByLabel('Name').fill(name);
  for (const s of ['ingest', 'control', 'metrics', 'read']) {
    await page.getByRole('checkbox', { name: new RegExp(`^${s}`) }).setChecked(scopes.includes(s));
  }
  await page.getByRole('button', { name: 'Create token' }).click();
  return page.getByRole('region', { name: 'New API token' }).getByLabel('API token value').inputValue();
}

test('an agent asks a person over MCP; the engineer resumes in the console and the tool returns the decision', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const project = `e2e-mcp-${randomUUID().slice(0, 6)}`;
  const agent = await mcp(baseURL!, apiToken());
  const started = await agent.call('start_session', { project, agent: 'mcp-coder', externalId: randomUUID() });
  const sessionId = (started.structuredContent!.session as { id: string }).id;

  const asked = agent.call('request_human_decision', {
    sessionId,
    reason: 'May I drop the staging table?',
    pauseType: 'blocker',
    context: { last_error: 'permission denied for table staging' },
    waitSeconds: 50,
  });

  await signIn(page, 'engineer');
  await page.goto(`/interventions?project=${project}`);
  const row = page.getByRole('row').filter({ hasText: project });
  await expect(row).toContainText('May I drop the staging table?');
  await row.getByRole('button', { name: `Resume ${project} / mcp-coder` }).click();
  const dialog = page.getByRole('dialog', { name: `Resume ${project} / mcp-coder?` });
  await dialog.getByLabel('Note for the agent (optional)').fill('Yes, it is a copy');
  await dialog.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(dialog).toBeHidden();

  const answer = await asked;
  expect(answer.isError).toBeFalsy();
  expect(answer.structuredContent!.decision).toMatchObject({ action: 'resume', note: 'Yes, it is a copy', resolvedBy: 'engineer@flightdeck.local' });
  expect(answer.content[0].text).toContain('Yes, it is a copy');
});

test('tools follow the token scopes; an assistant aborts an intervention as its owner; a read-only token cannot; bad arguments write nothing', async ({ page, baseURL }) => {
  const project = `e2e-mcp-${randomUUID().slice(0, 6)}`;
  await signIn(page, 'admin');
  const readOnly = await mcp(baseURL!, await createToken(page, ['read']));
  const assistant = await mcp(baseURL!, await createToken(page, ['read', 'control']));
  const agent = await mcp(baseURL!, await createToken(page, ['ingest', 'control']));

  expect(await readOnly.names()).toEqual(['fleet_summary', 'get_session', 'list_interventions', 'search_events']);
  expect(await agent.names()).toEqual(['complete_recovery', 'finish_session', 'report_tool_execution', 'request_human_decision', 'save_checkpoint', 'start_session']);
  expect(await assistant.names()).toEqual(expect.arrayContaining(['abort_session', 'list_interventions', 'restore_session', 'resume_session']));

  const started = await agent.call('start_session', { project, agent: 'mcp-coder' });
  const sessionId = (started.structuredContent!.session as { id: string }).id;
  // Malformed: a tool error naming each bad field, and no checkpoint stored.
  const bad = await agent.call('save_checkpoint', { sessionId, checkpointType: 'whenever', conversationHistory: 'not a list' });
  expect(bad.isError).toBe(true);
  expect(bad.structuredContent).toMatchObject({ error: { code: 'unprocessable' } });
  expect((bad.structuredContent!.error as { fields: Array<{ path: string }> }).fields.map((f) => f.path).sort()).toEqual(['checkpointType', 'conversationHistory']);
  const asked = await agent.call('request_human_decision', { sessionId, reason: 'Budget exceeded', pauseType: 'budget', waitSeconds: 0 });
  expect(asked.structuredContent!.decision).toMatchObject({ action: 'wait' });

  const listed = await assistant.call('list_interventions', { project });
  const [item] = (listed.structuredContent as { interventions: Array<{ id: string; reason: string; pauseType: string }> }).interventions;
  expect(item).toMatchObject({ reason: 'Budget exceeded', pauseType: 'budget' });

  const refused = await readOnly.call('abort_session', { pausedSessionId: item.id, reason: 'no' });
  expect(refused.isError).toBe(true);
  expect(refused.structuredContent).toMatchObject({ error: { code: 'forbidden', message: 'This token lacks the scope: control' } });

  const aborted = await assistant.call('abort_session', { pausedSessionId: item.id, reason: 'Over budget; stop' });
  expect(aborted.isError).toBeFalsy();
  const view = await readOnly.call('get_session', { sessionId });
  expect(view.structuredContent).toMatchObject({ session: { status: 'aborted' }, counts: { checkpoints: 0 }, lastError: 'Over budget; stop' });

  // The console shows who decided: the admin who owns the token, not a bot.
  await page.goto(`/interventions/history?project=${project}`);
  const h = page.getByRole('row').filter({ hasText: project });
  await expect(h).toContainText('aborted');
  await expect(h).toContainText('admin@flightdeck.local');
});
