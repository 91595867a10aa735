import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApiToken } from '@/lib/auth/tokens';
import { queryRows, setDbHandleForTests } from '@/lib/db/client';
import { auditLog, pausedSessions, projectSettings } from '@/lib/db/schema';
import { resumeSession } from '@/lib/interventions/commands';
import { callApi } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';
import { engineer } from '@/lib/test/factories';

vi.mock('server-only', () => ({}));

describeEachDb('budgets', (t) => {
  let token = '';
  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'runner', scopes: ['ingest', 'control'] })).token;
  });
  afterAll(() => setDbHandleForTests(undefined));

  const newSession = async (extra: Record<string, unknown> = {}, project = `p-${randomUUID().slice(0, 8)}`) => {
    const r = await callApi('POST', '/api/v1/sessions', { token, body: { project, agent: 'coder', externalId: randomUUID(), ...extra } });
    expect(r.status).toBe(201);
    return (r.json as { session: { id: string; project: string; budgetTokens: number | null } }).session;
  };
  const pausesOf = (sessionId: string) => t().db.select().from(pausedSessions).where(eq(pausedSessions.sessionId, sessionId));
  const usageRows = (sessionId: string) =>
    queryRows<{ n: number; tokens: number; sources: string }>(
      t().db,
      sql`SELECT count(*)::int AS n, coalesce(sum(input_tokens + output_tokens), 0)::int AS tokens, string_agg(DISTINCT source, ',') AS sources
          FROM usage_records WHERE session_id = ${sessionId}`,
    );
  const control = async (id: string) => ((await callApi('GET', `/api/v1/sessions/${id}/control`, { token })).json as { decision: Record<string, unknown> }).decision;

  it('a batch of tool executions that crosses the session token budget pauses it once; the agent hears it from control', async () => {
    const s = await newSession({ budget: { maxTokens: 1000 } });
    expect(s.budgetTokens).toBe(1000);
    const item = (n: number) => ({
      executionId: randomUUID(), userId: 'u', toolName: 'search', success: true, sessionId: s.id,
      model: 'gpt-4o-mini', inputTokens: n, outputTokens: 100, costUsd: 0.001,
    });
    const batch = [item(300), item(300), item(300)]; // 1,200 tokens
    const r = await callApi('POST', '/api/v1/tool-executions', { token, body: batch });
    expect([r.status, r.json]).toEqual([200, { received: 3, inserted: 3, duplicates: 0 }]);
    const pauses = await pausesOf(s.id);
    expect(pauses.map((p) => [p.pauseType, p.reason, p.resolved])).toEqual([
      ['budget', 'Session token budget reached: 1,200 tokens of 1,000 tokens', false],
    ]);
    expect(await control(s.id)).toMatchObject({ action: 'wait', pauseType: 'budget', reason: 'Session token budget reached: 1,200 tokens of 1,000 tokens' });
    const audit = await t().db.select().from(auditLog).where(eq(auditLog.targetId, pauses[0].id));
    expect(audit.map((a) => [a.action, a.actorLabel])).toEqual([['intervention.pause', 'system']]);

    // The same batch again (an agent's retry) stores nothing twice and pauses nothing twice.
    const again = await callApi('POST', '/api/v1/tool-executions', { token, body: batch });
    expect(again.json).toEqual({ received: 3, inserted: 0, duplicates: 3 });
    expect(await usageRows(s.id)).toEqual([{ n: 3, tokens: 1200, sources: 'tool_execution' }]);
    expect(await pausesOf(s.id)).toHaveLength(1);
  });

  it('the same under an Idempotency-Key (the one-statement ingest path)', async () => {
    const s = await newSession({ budget: { maxCostUsd: 0.5 } });
    const body = [0.3, 0.3].map((c) => ({ userId: 'u', toolName: 'llm', success: true, sessionId: s.id, model: 'claude-sonnet-4-5', costUsd: c }));
    const headers = { 'idempotency-key': randomUUID() };
    const a = await callApi('POST', '/api/v1/tool-executions', { token, body, headers });
    const b = await callApi('POST', '/api/v1/tool-executions', { token, body, headers });
    expect([a.status, b.status, b.headers.get('idempotent-replayed')]).toEqual([200, 200, 'true']);
    expect((await pausesOf(s.id)).map((p) => p.reason)).toEqual(['Session cost budget reached: $0.6000 of $0.5000']);
    expect((await usageRows(s.id))[0].n).toBe(2);
  });

  it('POST /sessions/{id}/usage: totals, the budget in force, and the report that crosses it', async () => {
    const project = `p-${randomUUID().slice(0, 8)}`;
    await t().db.insert(projectSettings).values({ project, sessionBudgetCostUsd: 1 });
    const s = await newSession({}, project);
    const first = await callApi('POST', `/api/v1/sessions/${s.id}/usage`, { token, body: { model: 'gpt-4.1', inputTokens: 10, outputTokens: 5, costUsd: 0.6 } });
    expect([first.status, first.json]).toEqual([
      200,
      { recorded: true, usage: { inputTokens: 10, outputTokens: 5, costUsd: 0.6 }, budget: { maxCostUsd: 1, maxTokens: null }, paused: null },
    ]);
    const headers = { 'idempotency-key': randomUUID() };
    const body = { usageId: randomUUID(), costUsd: 0.5 };
    const second = await callApi('POST', `/api/v1/sessions/${s.id}/usage`, { token, body, headers });
    const replay = await callApi('POST', `/api/v1/sessions/${s.id}/usage`, { token, body, headers });
    expect(second.json).toMatchObject({ recorded: true, usage: { costUsd: 1.1 }, paused: { reason: 'Session cost budget reached: $1.10 of $1.00' } });
    expect([replay.json, replay.headers.get('idempotent-replayed')]).toEqual([second.json, 'true']);
    // Without the key, the same usageId is a duplicate, not a second charge.
    const dup = await callApi('POST', `/api/v1/sessions/${s.id}/usage`, { token, body });
    expect(dup.json).toMatchObject({ recorded: false, usage: { costUsd: 1.1 } });

    // A person resumes: the session may run past this budget; it is not paused for it again.
    const [pause] = await pausesOf(s.id);
    expect((await resumeSession(t().db, { pausedSessionId: pause.id, note: 'go on' }, engineer())).ok).toBe(true);
    const more = await callApi('POST', `/api/v1/sessions/${s.id}/usage`, { token, body: { costUsd: 0.2 } });
    expect(more.json).toMatchObject({ paused: null, usage: { costUsd: 1.3 } });
  });

  it("a project's daily budget pauses the session whose report reaches it", async () => {
    const project = `p-${randomUUID().slice(0, 8)}`;
    await t().db.insert(projectSettings).values({ project, dailyBudgetTokens: 100 });
    const a = await newSession({}, project);
    const b = await newSession({}, project);
    await callApi('POST', `/api/v1/sessions/${a.id}/usage`, { token, body: { inputTokens: 60 } });
    const r = await callApi('POST', `/api/v1/sessions/${b.id}/usage`, { token, body: { outputTokens: 60 } });
    const day = new Date().toISOString().slice(0, 10);
    expect(r.json).toMatchObject({ paused: { reason: `Project ${project} daily token budget reached: 120 tokens of 100 tokens on ${day} (UTC)` } });
    expect(await pausesOf(a.id)).toEqual([]);
  });

  it('bad input: 422 naming the field, nothing written', async () => {
    const s = await newSession();
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', `/api/v1/sessions/${s.id}/usage`, { inputTokens: -1 }, 'inputTokens'],
      ['POST', `/api/v1/sessions/${s.id}/usage`, { outputTokens: 'lots' }, 'outputTokens'],
      ['POST', `/api/v1/sessions/${s.id}/usage`, { costUsd: -0.01 }, 'costUsd'],
      ['POST', `/api/v1/sessions/${s.id}/usage`, { costUsd: '1.5' }, 'costUsd'],
      ['POST', `/api/v1/sessions/${s.id}/usage`, { model: 'gpt 4 turbo!', inputTokens: 1 }, 'model'],
      ['POST', `/api/v1/sessions/${s.id}/usage`, { model: 'gpt-4o' }, 'inputTokens'],
      ['POST', '/api/v1/sessions', { project: 'p', agent: 'a', budget: { maxCostUsd: 0 } }, 'budget.maxCostUsd'],
      ['POST', '/api/v1/sessions', { project: 'p', agent: 'a', budget: { maxTokens: 0 } }, 'budget.maxTokens'],
      ['POST', '/api/v1/sessions', { project: 'p', agent: 'a', budget: { maxTokens: 'many' } }, 'budget.maxTokens'],
      ['POST', '/api/v1/tool-executions', [
        { userId: 'u', toolName: 't', success: true, sessionId: s.id, inputTokens: 5 },
        { userId: 'u', toolName: 't', success: true, sessionId: s.id, costUsd: -2 },
      ], '1.costUsd'],
      ['POST', '/api/v1/tool-executions', { userId: 'u', toolName: 't', success: true, model: 'm<script>' }, 'model'],
      ['POST', '/api/v1/tool-executions', { userId: 'u', toolName: 't', success: true, inputTokens: 3 }, 'sessionId'],
      ['POST', '/api/v1/usage', { usageId: randomUUID(), sessionId: s.id, model: 'two words', inputTokens: 1, outputTokens: 1 }, 'model'],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await callApi(method, path, { token, body });
      expect([path, r.status]).toEqual([path, 422]);
      const fields = (r.json as { error: { fields: Array<{ path: string; message: string }> } }).error.fields;
      expect(fields.map((f) => f.path)).toContain(field);
    }
    const gt0 = await callApi('POST', '/api/v1/sessions', { token, body: { project: 'p', agent: 'a', budget: { maxCostUsd: 0 } } });
    expect(JSON.stringify(gt0.json)).toContain('must be greater than 0');
    const model = await callApi('POST', `/api/v1/sessions/${s.id}/usage`, { token, body: { model: 'gpt 4', inputTokens: 1 } });
    expect(JSON.stringify(model.json)).toContain('unknown model');
    expect(await usageRows(s.id)).toEqual([{ n: 0, tokens: 0, sources: null }]);
    const unknown = await callApi('POST', `/api/v1/sessions/${randomUUID()}/usage`, { token, body: { inputTokens: 1 } });
    expect(unknown.status).toBe(404);
  });
});
