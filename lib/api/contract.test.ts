import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApiToken } from '@/lib/auth/tokens';
import { createChecklistFromMarkdown } from '@/lib/checklists/commands';
import { startRecovery } from '@/lib/checkpoints/recovery';
import { setDbHandleForTests } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import { callApi } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';
import { engineer, makeCheckpoint, makePausedSession, makeSession } from '@/lib/test/factories';
import { openApiDocument, operations } from './openapi';

vi.mock('server-only', () => ({}));

/**
 * Contract tests driven by the OpenAPI document: every path, every method, every documented status has a
 * scenario; each is sent to the real route handler and the response must have that status and match the
 * documented schema (the zod schema the document was generated from).
 */
const BODY_LIMIT = 4096;
const CHECKPOINT_LIMIT = 16384;

type Scenario = {
  path?: string;
  query?: string;
  token?: 'full' | 'metrics' | 'bad' | 'none';
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
};

describeEachDb('agent API contract', (t) => {
  let full = '';
  let metrics = '';
  beforeAll(async () => {
    process.env.API_MAX_BODY_BYTES = String(BODY_LIMIT);
    process.env.API_MAX_CHECKPOINT_BYTES = String(CHECKPOINT_LIMIT);
    resetEnvCache();
    setDbHandleForTests(t().handle);
    full = (await createApiToken(t().db, { name: 'agent', scopes: ['ingest', 'control', 'read', 'checklists'] })).token;
    metrics = (await createApiToken(t().db, { name: 'scraper', scopes: ['metrics'] })).token;
  });
  afterAll(() => {
    setDbHandleForTests(undefined);
    delete process.env.API_MAX_BODY_BYTES;
    delete process.env.API_MAX_CHECKPOINT_BYTES;
    resetEnvCache();
  });

  const db = () => t().db;
  const sessionPath = async (suffix: string) => `/api/v1/sessions/${(await makeSession(db())).id}${suffix}`;
  const missing = (prefix: string, suffix = '') => `${prefix}/${randomUUID()}${suffix}`;

  // Scenarios for the generic statuses every operation of a kind documents.
  const generic: Record<number, (path: string) => Scenario> = {
    401: (path) => ({ path, token: 'bad', body: {} }),
    403: (path) => ({ path, token: 'metrics', body: {} }),
    400: (path) => ({ path, raw: '{"project": ' }),
    413: (path) => ({ path, raw: JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT) }) }),
    422: (path) => ({ path, body: { unexpected: true } }),
  };
  const anyId = (template: string) => template.replace('{id}', randomUUID());

  const specific: Record<string, () => Promise<Scenario>> = {
    'createSession 201': async () => ({ body: { project: `p-${randomUUID()}`, agent: 'coder', externalId: 'run-1' } }),
    'createSession 200': async () => {
      const project = `p-${randomUUID()}`;
      await callApi('POST', '/api/v1/sessions', { token: full, body: { project, agent: 'coder', externalId: 'run-1' } });
      return { body: { project, agent: 'coder', externalId: 'run-1' } };
    },
    'heartbeat 200': async () => ({ path: await sessionPath('/heartbeat'), body: { currentTask: 'task-2' } }),
    'heartbeat 404': async () => ({ path: missing('/api/v1/sessions', '/heartbeat'), body: {} }),
    'heartbeats 200': async () => ({ body: { sessions: [{ id: (await makeSession(db())).id, currentTask: 'task-2' }] } }),
    'finishSession 200': async () => ({ path: await sessionPath('/finish'), body: { status: 'completed' } }),
    'finishSession 404': async () => ({ path: missing('/api/v1/sessions', '/finish'), body: { status: 'completed' } }),
    'finishSession 409': async () => {
      const path = await sessionPath('/finish');
      await callApi('POST', path, { token: full, body: { status: 'completed' } });
      return { path, body: { status: 'failed', error: 'late' } };
    },
    'createCheckpoint 201': async () => ({
      path: await sessionPath('/checkpoints'),
      body: { checkpointType: 'task_completion', conversationHistory: [{ role: 'user', content: 'hi' }], completedTasks: ['a'] },
    }),
    'createCheckpoint 200': async () => {
      const path = await sessionPath('/checkpoints');
      const body = { checkpointType: 'periodic', conversationHistory: [{ role: 'user', content: 'same' }] };
      await callApi('POST', path, { token: full, body });
      return { path, body };
    },
    'createCheckpoint 404': async () => ({
      path: missing('/api/v1/sessions', '/checkpoints'),
      body: { checkpointType: 'manual', conversationHistory: [] },
    }),
    // Over the general limit but under the checkpoint limit is accepted; over the checkpoint limit is 413.
    'createCheckpoint 413': async () => ({
      path: await sessionPath('/checkpoints'),
      body: { checkpointType: 'manual', conversationHistory: ['x'.repeat(CHECKPOINT_LIMIT)] },
    }),
    'listCheckpoints 200': async () => {
      const s = await makeSession(db());
      await makeCheckpoint(db(), s.id, 1);
      return { path: `/api/v1/sessions/${s.id}/checkpoints` };
    },
    'listCheckpoints 404': async () => ({ path: missing('/api/v1/sessions', '/checkpoints') }),
    'getCheckpoint 200': async () => {
      const s = await makeSession(db());
      const c = await makeCheckpoint(db(), s.id, 2);
      return { path: `/api/v1/checkpoints/${c.id}` };
    },
    'getCheckpoint 404': async () => ({ path: '/api/v1/checkpoints/not-a-uuid' }),
    'pauseSession 201': async () => ({ path: await sessionPath('/pause'), body: { reason: 'Retry limit', pauseType: 'retry_limit' } }),
    'pauseSession 200': async () => {
      const path = await sessionPath('/pause');
      const body = { reason: 'Blocked', pauseType: 'blocker' };
      await callApi('POST', path, { token: full, body });
      return { path, body };
    },
    'pauseSession 404': async () => ({ path: missing('/api/v1/sessions', '/pause'), body: { reason: 'x', pauseType: 'manual' } }),
    'pauseSession 409': async () => {
      const path = await sessionPath('/pause');
      await callApi('POST', path, { token: full, body: { reason: 'first', pauseType: 'blocker' } });
      return { path, body: { reason: 'second', pauseType: 'error' } };
    },
    'getControl 200': async () => ({ path: await sessionPath('/control'), query: '?wait=0' }),
    'getControl 400': async () => ({ path: await sessionPath('/control'), query: '?wait=99' }),
    'getControl 404': async () => ({ path: missing('/api/v1/sessions', '/control') }),
    'completeRecovery 200': async () => ({ path: `/api/v1/recoveries/${await recoveryId()}/complete`, body: { status: 'succeeded' } }),
    'completeRecovery 404': async () => ({ path: missing('/api/v1/recoveries', '/complete'), body: { status: 'succeeded' } }),
    'completeRecovery 409': async () => {
      const path = `/api/v1/recoveries/${await recoveryId()}/complete`;
      await callApi('POST', path, { token: full, body: { status: 'succeeded' } });
      return { path, body: { status: 'failed', error: 'changed my mind' } };
    },
    'ingestEvents 200': async () => ({
      body: [{ eventId: randomUUID(), eventType: 'tool_call', aggregateId: randomUUID(), metadata: { tool: 'x' } }],
    }),
    'ingestToolExecutions 200': async () => ({ body: { executionId: randomUUID(), userId: 'u1', toolName: 'web_search', success: true } }),
    'rateToolExecution 200': async () => {
      const executionId = randomUUID();
      await callApi('POST', '/api/v1/tool-executions', { token: full, body: { executionId, userId: 'u1', toolName: 'grep', success: true } });
      return { path: `/api/v1/tool-executions/${executionId}`, body: { userSatisfaction: 4 } };
    },
    'rateToolExecution 404': async () => ({ path: missing('/api/v1/tool-executions'), body: { userSatisfaction: 4 } }),
    'reportUsage 200': async () => ({ body: { usageId: randomUUID(), project: 'p', model: 'm', inputTokens: 10, outputTokens: 2, cost: 0.01 } }),
    'reportSessionUsage 200': async () => ({ path: await sessionPath('/usage'), body: { model: 'gpt-4o', inputTokens: 10, outputTokens: 2, costUsd: 0.01 } }),
    'reportSessionUsage 404': async () => ({ path: missing('/api/v1/sessions', '/usage'), body: { inputTokens: 1 } }),
    'reportUsage 404': async () => ({ body: { usageId: randomUUID(), sessionId: randomUUID(), inputTokens: 1, outputTokens: 1 } }),
    'preferredTools 200': async () => ({ query: '?userId=u1&tools=web_search,grep' }),
    'preferredTools 400': async () => ({ query: '?userId=u1' }),
    'createReleaseChecklist 201': async () => ({ body: { template: await templateId(), version: '1.0.0', environment: 'production' } }),
    'createReleaseChecklist 200': async () => {
      const body = { template: await templateId(), version: '1.0.0', environment: 'production' };
      await callApi('POST', '/api/v1/checklists', { token: full, body });
      return { body };
    },
    'getGate 200': async () => ({ path: `/api/v1/checklists/${await releaseId()}/gate` }),
    'getGate 400': async () => ({ path: `/api/v1/checklists/${await releaseId()}/gate`, query: '?wait=31' }),
    'getGate 404': async () => ({ path: missing('/api/v1/checklists', '/gate') }),
    'markDeployed 200': async () => {
      const id = await releaseId();
      // Deployed already (its gate passed earlier): the call answers 200 again.
      await db().execute(sql`UPDATE deployment_checklists SET deployed_at = now(), status = 'live' WHERE id = ${id}`);
      return { path: `/api/v1/checklists/${id}/deployed` };
    },
    'markDeployed 404': async () => ({ path: missing('/api/v1/checklists', '/deployed') }),
    'markDeployed 409': async () => ({ path: `/api/v1/checklists/${await releaseId()}/deployed` }),
  };

  /** A fresh template (one item, Production sign-off). */
  async function templateId() {
    const md = `# T ${randomUUID()}\n## Deployment\n- [ ] Smoke test\n## Sign-Off\nProduction: ____ Date: ____\n`;
    const made = await createChecklistFromMarkdown(db(), { markdown: md, asTemplate: true }, engineer());
    if (!made.ok) throw new Error(made.message);
    return made.checklistId;
  }

  async function releaseId() {
    const r = await callApi('POST', '/api/v1/checklists', { token: full, body: { template: await templateId(), version: '1', environment: 'qa' } });
    return (r.json as { checklist: { id: string } }).checklist.id;
  }

  async function recoveryId() {
    const { session } = await makePausedSession(db());
    await makeCheckpoint(db(), session.id, 1);
    const r = await startRecovery(db(), { sessionId: session.id }, engineer());
    if (!r.ok) throw new Error(r.reason);
    return r.recovery.id;
  }

  it('documents every implemented operation, and only those', () => {
    const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([p, ms]) => Object.keys(ms).map((m) => `${m} ${p}`));
    expect(documented.sort()).toEqual(operations.map((o) => `${o.method} ${o.path}`).sort());
  });

  const doc = openApiDocument() as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      for (const status of Object.keys(op.responses).map(Number)) {
        it(`${method.toUpperCase()} ${path} → ${status}`, async () => {
          const key = `${op.operationId} ${status}`;
          const scenario = specific[key] ? await specific[key]() : generic[status]?.(anyId(path));
          expect(scenario, `no scenario for ${key}`).toBeDefined();
          const s = scenario!;
          const token = s.token === 'bad' ? 'fd_nope' : s.token === 'metrics' ? metrics : s.token === 'none' ? null : full;
          const hasBody = method !== 'get';
          const res = await callApi(method.toUpperCase(), `${s.path ?? anyId(path)}${s.query ?? ''}`, {
            token,
            body: hasBody && s.raw === undefined ? (s.body ?? {}) : undefined,
            raw: hasBody ? s.raw : undefined,
            headers: s.headers,
          });
          expect(res.status, JSON.stringify(res.json)).toBe(status);
          const schema = operations.find((o) => o.operationId === op.operationId)!.responses[status].schema;
          if (schema) expect(schema.safeParse(res.json).error?.issues).toBeUndefined();
        });
      }
    }
  }
});
