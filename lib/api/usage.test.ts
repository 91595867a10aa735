import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApiToken } from '@/lib/auth/tokens';
import { queryRows, setDbHandleForTests } from '@/lib/db/client';
import { callApi } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';
import { makeSession } from '@/lib/test/factories';

vi.mock('server-only', () => ({}));

describeEachDb('POST /api/v1/usage', (t) => {
  let token = '';
  let readOnly = '';
  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'agent', scopes: ['ingest'] })).token;
    readOnly = (await createApiToken(t().db, { name: 'reader', scopes: ['read'] })).token;
  });
  afterAll(() => setDbHandleForTests(undefined));

  const rows = async (usageIds: string[]) =>
    queryRows<{ usage_id: string; project: string; session_id: string | null; input_tokens: number; output_tokens: number; source: string }>(
      t().db,
      sql`SELECT usage_id::text, project, session_id::text, input_tokens::int, output_tokens::int, source FROM usage_records
          WHERE usage_id::text IN (${sql.join(usageIds.map((u) => sql`${u}`), sql`, `)}) ORDER BY usage_id`,
    );

  it('stores a report once when it is replayed, and takes the project from the session', async () => {
    const s = await makeSession(t().db);
    const usageId = randomUUID();
    const body = { usageId, sessionId: s.id, model: 'm', inputTokens: 10, outputTokens: 5, cost: 0.01 };
    const a = await callApi('POST', '/api/v1/usage', { token, body });
    const b = await callApi('POST', '/api/v1/usage', { token, body });
    expect([a.status, a.json]).toEqual([200, { received: 1, inserted: 1, duplicates: 0 }]);
    expect([b.status, b.json]).toEqual([200, { received: 1, inserted: 0, duplicates: 1 }]);
    expect(await rows([usageId])).toEqual([
      { usage_id: usageId, project: s.project, session_id: s.id, input_tokens: 10, output_tokens: 5, source: 'api' },
    ]);
  });

  it('replays the first answer for the same Idempotency-Key', async () => {
    const body = [
      { usageId: randomUUID(), project: 'p-usage', inputTokens: 1, outputTokens: 2 },
      { usageId: randomUUID(), project: 'p-usage', inputTokens: 3, outputTokens: 4 },
    ];
    const key = randomUUID();
    const results = [];
    for (let i = 0; i < 2; i++) results.push(await callApi('POST', '/api/v1/usage', { token, body, headers: { 'idempotency-key': key } }));
    expect(results.map((r) => [r.status, r.json])).toEqual(Array(2).fill([200, { received: 2, inserted: 2, duplicates: 0 }]));
    expect(results.map((r) => r.headers.get('idempotent-replayed'))).toEqual([null, 'true']);
    expect(await rows(body.map((r) => r.usageId))).toHaveLength(2);
  });

  it('refuses negative tokens with 422 naming the field, writing nothing of the batch', async () => {
    const good = { usageId: randomUUID(), project: 'p', inputTokens: 1, outputTokens: 1 };
    const r = await callApi('POST', '/api/v1/usage', { token, body: [good, { ...good, usageId: randomUUID(), inputTokens: -1 }] });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.json)).toContain('1.inputTokens');
    expect(await rows([good.usageId])).toEqual([]);
  });

  it('answers 404 for an unknown session and 422 for a missing or mismatched project', async () => {
    const good = { usageId: randomUUID(), project: 'p', inputTokens: 1, outputTokens: 1 };
    const missing = await callApi('POST', '/api/v1/usage', { token, body: [good, { usageId: randomUUID(), sessionId: randomUUID(), inputTokens: 1, outputTokens: 1 }] });
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.json)).toContain('1.sessionId');
    const s = await makeSession(t().db);
    const other = await callApi('POST', '/api/v1/usage', { token, body: { usageId: randomUUID(), sessionId: s.id, project: `${s.project}-x`, inputTokens: 1, outputTokens: 1 } });
    expect(other.status).toBe(422);
    expect(JSON.stringify(other.json)).toContain('"project"');
    const none = await callApi('POST', '/api/v1/usage', { token, body: { usageId: randomUUID(), inputTokens: 1, outputTokens: 1 } });
    expect(none.status).toBe(422);
    expect(await rows([good.usageId])).toEqual([]);
  });

  it('needs a token with the ingest scope', async () => {
    const body = { usageId: randomUUID(), project: 'p', inputTokens: 1, outputTokens: 1 };
    expect((await callApi('POST', '/api/v1/usage', { body })).status).toBe(401);
    expect((await callApi('POST', '/api/v1/usage', { token: readOnly, body })).status).toBe(403);
    expect(await rows([body.usageId])).toEqual([]);
  });
});
