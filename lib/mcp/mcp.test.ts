import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { POST } from '@/app/api/mcp/route';
import { createApiToken } from '@/lib/auth/tokens';
import { queryRows, setDbHandleForTests } from '@/lib/db/client';
import { user } from '@/lib/db/schema';
import { serveFetch } from '@/lib/http/test-server';
import { ingestEvents } from '@/lib/events/ingest';
import { abortSession, resumeSession } from '@/lib/interventions/commands';
import { describeEachDb } from '@/lib/test/db';
import { engineer, makePausedSession } from '@/lib/test/factories';

vi.mock('server-only', () => ({}));

type ToolResult = { isError?: boolean; content: Array<{ type: string; text?: string }>; structuredContent?: Record<string, unknown> };
type Decision = { action: string; note?: string | null; resolvedBy?: string | null; reason?: string; pausedSessionId?: string };

/**
 * The MCP server over real HTTP, spoken to by the SDK's own Client and StreamableHTTPClientTransport: tools per
 * token scope, an agent asking a person and getting the answer, an assistant deciding as the token's owner,
 * refusals as tool errors with the HTTP API's codes and nothing written.
 */
describeEachDb('MCP server', (t) => {
  let server: Awaited<ReturnType<typeof serveFetch>>;
  const tokens = { agent: '', reader: '', assistant: '', viewerOwned: '' };
  const clients: Client[] = [];
  const eve = engineer('mcp-eve');

  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    await t().db.insert(user).values([
      { id: eve.id, name: eve.name, email: eve.email, role: 'engineer' },
      { id: 'u-mcp-vic', name: 'vic', email: 'vic@example.com', role: 'viewer' },
    ]);
    tokens.agent = (await createApiToken(t().db, { name: 'mcp-agent', scopes: ['ingest', 'control'] })).token;
    tokens.reader = (await createApiToken(t().db, { name: 'mcp-reader', scopes: ['read'] })).token;
    tokens.assistant = (await createApiToken(t().db, { name: 'eve-assistant', scopes: ['read', 'control'], createdBy: eve.id })).token;
    tokens.viewerOwned = (await createApiToken(t().db, { name: 'vic-assistant', scopes: ['read', 'control'], createdBy: 'u-mcp-vic' })).token;
    server = await serveFetch((request) => POST(request, { params: Promise.resolve({}) }));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
    setDbHandleForTests(undefined);
  });

  async function connect(token: string | null) {
    const client = new Client({ name: 'flightdeck-test', version: '1.0.0' });
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/api/mcp`), { requestInit: { headers } }));
    clients.push(client);
    return client;
  }
  const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolResult;
  const count = async (table: string) => (await queryRows<{ n: number }>(t().db, sql.raw(`SELECT count(*)::int AS n FROM ${table}`)))[0].n;

  it('lists the tools each token scope allows, each with its JSON Schema', async () => {
    const names = async (token: string) => (await (await connect(token)).listTools()).tools.map((x) => x.name).sort();
    expect(await names(tokens.agent)).toEqual(
      ['complete_recovery', 'finish_session', 'report_tool_execution', 'request_human_decision', 'save_checkpoint', 'start_session'],
    );
    expect(await names(tokens.reader)).toEqual(['fleet_summary', 'get_session', 'list_interventions', 'search_events']);
    expect(await names(tokens.assistant)).toEqual([
      'abort_session', 'complete_recovery', 'fleet_summary', 'get_session', 'list_interventions', 'request_human_decision',
      'restore_session', 'resume_session', 'search_events',
    ]);
    const { tools } = await (await connect(tokens.agent)).listTools();
    const ask = tools.find((x) => x.name === 'request_human_decision')!;
    expect(ask.inputSchema.required).toEqual(expect.arrayContaining(['sessionId', 'reason', 'pauseType']));
    expect((ask.inputSchema.properties as Record<string, { enum?: string[]; maximum?: number }>).pauseType.enum).toContain('blocker');
    expect((ask.inputSchema.properties as Record<string, { maximum?: number }>).waitSeconds.maximum).toBe(50);
  });

  it('without a token the endpoint answers 401 and the client cannot connect', async () => {
    await expect(connect(null)).rejects.toThrow(/401|API token/);
    const res = await fetch(`${server.url}/api/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });

  it('an agent reports its run and asks a person; the resume made meanwhile comes back as the tool result', async () => {
    const agent = await connect(tokens.agent);
    const started = await call(agent, 'start_session', { project: 'mcp-proj', agent: 'coder', externalId: 'run-1', budget: { maxCostUsd: 5 } });
    expect(started.isError).toBeFalsy();
    const sessionId = (started.structuredContent!.session as { id: string }).id;
    // The same create-session input as the HTTP API: the budget is kept.
    expect(started.structuredContent!.session).toMatchObject({ budgetCostUsd: 5 });
    expect(started.content[0].text).toContain(sessionId);
    const saved = await call(agent, 'save_checkpoint', { sessionId, checkpointType: 'task_completion', conversationHistory: [{ role: 'user', content: 'hi' }] });
    expect(saved.structuredContent).toMatchObject({ sequence: 1, created: true });
    const tool = await call(agent, 'report_tool_execution', { sessionId, userId: 'u1', toolName: 'grep', success: true, executionTimeMs: 12 });
    expect(tool.structuredContent).toMatchObject({ inserted: 1 });

    // Nobody decides within 0 s: "wait"; asking again does not open a second pause.
    const first = await call(agent, 'request_human_decision', { sessionId, reason: 'Need the prod DB password', pauseType: 'blocker', waitSeconds: 0 });
    expect((first.structuredContent!.decision as Decision).action).toBe('wait');
    expect(first.content[0].text).toMatch(/call request_human_decision again/i);

    const waiting = call(agent, 'request_human_decision', { sessionId, reason: 'Need the prod DB password', pauseType: 'blocker', waitSeconds: 20 });
    await new Promise((r) => setTimeout(r, 300));
    const pauseId = first.structuredContent!.pausedSessionId as string;
    const person = await resumeSession(t().db, { pausedSessionId: pauseId, note: 'Use the read replica' }, eve);
    expect(person.ok).toBe(true);
    const answer = await waiting;
    expect(answer.structuredContent!.decision).toMatchObject({ action: 'resume', note: 'Use the read replica', resolvedBy: eve.email });
    expect(answer.content[0].text).toContain('Use the read replica');
    expect((await queryRows<{ n: number }>(t().db, sql`SELECT count(*)::int AS n FROM paused_sessions WHERE session_id = ${sessionId}`))[0].n).toBe(1);

    const done = await call(agent, 'finish_session', { sessionId, status: 'completed' });
    expect(done.structuredContent).toMatchObject({ session: { status: 'completed' } });
  });

  it('an assistant lists interventions and aborts one as its owner; the waiting agent is told to stop', async () => {
    const { session, pause } = await makePausedSession(t().db, 'error');
    const assistant = await connect(tokens.assistant);
    const listed = await call(assistant, 'list_interventions', { project: session.project, pauseType: 'error' });
    expect(listed.structuredContent).toMatchObject({ total: 1, interventions: [{ id: pause.id, sessionId: session.id, lastError: 'HTTP 429' }] });
    expect(listed.content[0].text).toContain(pause.id);
    const none = await call(assistant, 'list_interventions', { project: session.project, olderThan: '1h' });
    expect(none.structuredContent).toMatchObject({ total: 0 });

    const agent = await connect(tokens.agent);
    const waiting = call(agent, 'request_human_decision', { sessionId: session.id, reason: 'x', pauseType: 'error', waitSeconds: 20 });
    await new Promise((r) => setTimeout(r, 300));
    const aborted = await call(assistant, 'abort_session', { pausedSessionId: pause.id, reason: 'Wrong repository' });
    expect(aborted.isError).toBeFalsy();
    expect((await waiting).structuredContent!.decision).toMatchObject({ action: 'abort', reason: 'Wrong repository', resolvedBy: eve.email });

    const again = await call(assistant, 'abort_session', { pausedSessionId: pause.id });
    expect(again.isError).toBe(true);
    expect(again.structuredContent).toMatchObject({ error: { code: 'conflict', message: `This pause was already aborted by ${eve.email}.` } });

    const [audit] = await queryRows<{ actor_label: string; actor_type: string; details: Record<string, unknown> }>(
      t().db,
      sql`SELECT actor_label, actor_type, details FROM audit_log WHERE action = 'intervention.abort' AND target_id = ${pause.id}`,
    );
    expect(audit).toMatchObject({ actor_label: eve.email, actor_type: 'user', details: { via: 'mcp', role: 'engineer', token: { name: 'eve-assistant' } } });

    const view = await call(assistant, 'get_session', { sessionId: session.id });
    expect(view.structuredContent).toMatchObject({ session: { status: 'aborted' }, lastError: 'Wrong repository' });
    const resource = await assistant.readResource({ uri: `flightdeck://sessions/${session.id}` });
    expect(JSON.parse((resource.contents[0] as { text: string }).text)).toMatchObject({ session: { id: session.id, status: 'aborted' } });
  });

  it('a read-only token cannot call an action, nor can a token whose owner may not decide; nothing changes', async () => {
    const { pause } = await makePausedSession(t().db);
    const reader = await connect(tokens.reader);
    const refused = await call(reader, 'abort_session', { pausedSessionId: pause.id });
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({ error: { code: 'forbidden', message: 'This token lacks the scope: control' } });
    const viewer = await connect(tokens.viewerOwned);
    const byViewer = await call(viewer, 'resume_session', { pausedSessionId: pause.id });
    expect(byViewer.structuredContent).toMatchObject({ error: { code: 'forbidden', message: "The token's owner (role viewer) is not allowed to do this" } });
    const [row] = await queryRows<{ resolved: boolean }>(t().db, sql`SELECT resolved FROM paused_sessions WHERE id = ${pause.id}`);
    expect(row.resolved).toBe(false);
    const denied = await queryRows<{ actor_label: string }>(t().db, sql`SELECT actor_label FROM audit_log WHERE action = 'auth.denied' AND details->>'tool' = 'abort_session'`);
    expect(denied.map((d) => d.actor_label)).toContain('mcp-reader');
    await abortSession(t().db, { pausedSessionId: pause.id }, eve);
  });

  it('malformed arguments are a tool error naming each field, and nothing is written', async () => {
    const agent = await connect(tokens.agent);
    const before = { sessions: await count('agent_sessions'), checkpoints: await count('session_checkpoints'), pauses: await count('paused_sessions') };
    const bad = await call(agent, 'save_checkpoint', { sessionId: 'not-a-uuid', checkpointType: 'bogus' });
    expect(bad.isError).toBe(true);
    const error = bad.structuredContent!.error as { code: string; fields: Array<{ path: string }> };
    expect(error.code).toBe('unprocessable');
    expect(error.fields.map((f) => f.path).sort()).toEqual(['checkpointType', 'conversationHistory', 'sessionId']);
    expect(bad.content[0].text).toMatch(/^unprocessable: .*checkpointType/);
    const tooLong = await call(agent, 'request_human_decision', { sessionId: crypto.randomUUID(), reason: 'r', pauseType: 'manual', waitSeconds: 99 });
    expect(tooLong.structuredContent).toMatchObject({ error: { code: 'unprocessable', fields: [{ path: 'waitSeconds' }] } });
    const unknown = await call(agent, 'finish_session', { sessionId: crypto.randomUUID(), status: 'completed' });
    expect(unknown.structuredContent).toMatchObject({ error: { code: 'not_found' } });
    expect({ sessions: await count('agent_sessions'), checkpoints: await count('session_checkpoints'), pauses: await count('paused_sessions') }).toEqual(before);
  });

  it('reads: events by correlation id, the fleet KPIs, the interventions resource', async () => {
    const { session, pause } = await makePausedSession(t().db, 'timeout');
    const trace = crypto.randomUUID();
    await ingestEvents(t().db, {
      events: [
        { eventType: 'llm.call', aggregateId: session.id, metadata: { correlation_id: trace } },
        { eventType: 'tool.call', aggregateId: session.id, metadata: { correlation_id: trace } },
      ],
    });
    const reader = await connect(tokens.reader);
    const found = await call(reader, 'search_events', { correlationId: trace });
    expect(found.structuredContent).toMatchObject({ sessions: [session.id], events: [{ eventType: 'llm.call' }, { eventType: 'tool.call' }] });
    const fleet = await call(reader, 'fleet_summary', { range: '7d' });
    expect(fleet.structuredContent).toMatchObject({ range: { key: '7d' }, kpis: { activeSessions: expect.any(Object), toolSuccessRate: expect.any(Object) } });
    expect(fleet.content[0].text).toMatch(/^Last 7 days: /);
    const badRange = await call(reader, 'fleet_summary', { range: '1y' });
    expect(badRange.structuredContent).toMatchObject({ error: { code: 'unprocessable', fields: [{ path: 'range' }] } });
    const resource = await reader.readResource({ uri: 'flightdeck://interventions' });
    const open = JSON.parse((resource.contents[0] as { text: string }).text) as { interventions: Array<{ id: string }> };
    expect(open.interventions.map((i) => i.id)).toContain(pause.id);
    await expect(reader.readResource({ uri: `flightdeck://sessions/${crypto.randomUUID()}` })).rejects.toThrow(/No session/);
  });
});
