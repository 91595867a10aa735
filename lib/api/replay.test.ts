import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiToken } from '@/lib/auth/tokens';
import { queryRows, setDbHandleForTests } from '@/lib/db/client';
import { monitorOf } from '@/lib/observability/install';
import { callApi } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';
import { makeSession } from '@/lib/test/factories';
import { pruneIdempotencyKeys } from './idempotency';

vi.mock('server-only', () => ({}));

describeEachDb('agent API replays', (t) => {
  let token = '';
  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'agent', scopes: ['ingest', 'control', 'read'] })).token;
  });
  afterAll(() => setDbHandleForTests(undefined));

  const countEvents = async (aggregateId: string) =>
    (await queryRows<{ n: number }>(t().db, sql`SELECT count(*)::int AS n FROM execution_events WHERE aggregate_id = ${aggregateId}`))[0].n;
  const batch = (aggregateId: string, n: number, withIds = true) =>
    Array.from({ length: n }, (_, i) => ({
      ...(withIds ? { eventId: randomUUID() } : {}),
      eventType: 'tool_call',
      aggregateId,
      metadata: { i },
    }));

  it('the same event batch sent 3 times without a key is stored once (client event ids)', async () => {
    const agg = randomUUID();
    const body = batch(agg, 50);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await callApi('POST', '/api/v1/events', { token, body }));
    expect(results.map((r) => r.json)).toEqual([
      { received: 50, inserted: 50, duplicates: 0 },
      { received: 50, inserted: 0, duplicates: 50 },
      { received: 50, inserted: 0, duplicates: 50 },
    ]);
    expect(await countEvents(agg)).toBe(50);
  });

  it('the same batch sent 3 times with one Idempotency-Key replays the first response', async () => {
    const agg = randomUUID();
    const body = batch(agg, 20, false); // no event ids: only the key protects this batch
    const key = randomUUID();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await callApi('POST', '/api/v1/events', { token, body, headers: { 'idempotency-key': key } }));
    expect(results.map((r) => [r.status, r.json])).toEqual(Array(3).fill([200, { received: 20, inserted: 20, duplicates: 0 }]));
    expect(results.map((r) => r.headers.get('idempotent-replayed'))).toEqual([null, 'true', 'true']);
    expect(await countEvents(agg)).toBe(20);
  });

  it('tool executions sent 3 times, with and without keys, are stored once', async () => {
    const s = await makeSession(t().db);
    const body = Array.from({ length: 10 }, () => ({ executionId: randomUUID(), userId: 'u1', toolName: 'grep', success: true, sessionId: s.id }));
    for (let i = 0; i < 3; i++) await callApi('POST', '/api/v1/tool-executions', { token, body });
    for (let i = 0; i < 3; i++) await callApi('POST', '/api/v1/tool-executions', { token, body, headers: { 'idempotency-key': 'k-tools' } });
    const [{ n }] = await queryRows<{ n: number }>(t().db, sql`SELECT count(*)::int AS n FROM user_tool_history WHERE session_id = ${s.id}`);
    expect(n).toBe(10);
  });

  it('reusing a key with a different body is 422 and changes nothing', async () => {
    const agg = randomUUID();
    const key = randomUUID();
    await callApi('POST', '/api/v1/events', { token, body: batch(agg, 2), headers: { 'idempotency-key': key } });
    const r = await callApi('POST', '/api/v1/events', { token, body: batch(agg, 3), headers: { 'idempotency-key': key } });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ error: { code: 'unprocessable', fields: [{ path: 'Idempotency-Key' }] } });
    expect(await countEvents(agg)).toBe(2);
  });

  it('concurrent duplicates with one key execute once and all get the same answer', async () => {
    const agg = randomUUID();
    const body = batch(agg, 30, false);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => callApi('POST', '/api/v1/events', { token, body, headers: { 'idempotency-key': `race-${agg}` } })),
    );
    expect(results.map((r) => [r.status, r.json])).toEqual(Array(6).fill([200, { received: 30, inserted: 30, duplicates: 0 }]));
    expect(await countEvents(agg)).toBe(30);
  });

  it('a key of another token does not replay (keys are per principal)', async () => {
    const other = (await createApiToken(t().db, { name: 'other', scopes: ['ingest'] })).token;
    const agg = randomUUID();
    await callApi('POST', '/api/v1/events', { token, body: batch(agg, 1, false), headers: { 'idempotency-key': 'shared' } });
    const r = await callApi('POST', '/api/v1/events', { token: other, body: batch(agg, 1, false), headers: { 'idempotency-key': 'shared' } });
    expect(r.headers.get('idempotent-replayed')).toBeNull();
    expect(await countEvents(agg)).toBe(2);
  });

  it('a batch with one bad item stores nothing', async () => {
    const s = await makeSession(t().db);
    const body = [
      { executionId: randomUUID(), userId: 'u1', toolName: 'grep', success: true, sessionId: s.id },
      { executionId: randomUUID(), userId: 'u1', toolName: 'grep', success: true, sessionId: randomUUID() },
    ];
    const r = await callApi('POST', '/api/v1/tool-executions', { token, body });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ error: { fields: [{ path: '1.sessionId' }] } });
    const [{ n }] = await queryRows<{ n: number }>(t().db, sql`SELECT count(*)::int AS n FROM user_tool_history WHERE session_id = ${s.id}`);
    expect(n).toBe(0);
  });

  it('a late batch keeps the time each execution happened; a time in the future is refused', async () => {
    const user = `late-${randomUUID().slice(0, 8)}`;
    const at = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const ok = await callApi('POST', '/api/v1/tool-executions', {
      token,
      body: [
        { executionId: randomUUID(), userId: user, toolName: 'grep', success: true, createdAt: at },
        { executionId: randomUUID(), userId: user, toolName: 'grep', success: true },
      ],
    });
    expect(ok.status).toBe(200);
    const rows = await queryRows<{ created_at: Date | string }>(
      t().db,
      sql`SELECT created_at FROM user_tool_history WHERE user_id = ${user} ORDER BY created_at`,
    );
    expect(new Date(rows[0].created_at).toISOString()).toBe(at);
    expect(Date.now() - new Date(rows[1].created_at).getTime()).toBeLessThan(60_000);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const r = await callApi('POST', '/api/v1/tool-executions', { token, body: { userId: user, toolName: 'grep', success: true, createdAt: future } });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ error: { fields: [{ path: 'createdAt' }] } });
  });

  it.each([
    ['year 0001', '0001-01-01T00:00:00Z', /older than 90 days/],
    ['before the retention', new Date(Date.now() - 91 * 86_400_000).toISOString(), /older than 90 days/],
    ['far future', '9999-12-31T23:59:59Z', /5 minutes ahead/],
    ['6 minutes ahead', new Date(Date.now() + 6 * 60_000).toISOString(), /5 minutes ahead/],
  ])('a createdAt of %s is refused with 422 naming the field; nothing of the batch is written', async (_, createdAt, message) => {
    const user = `bounds-${randomUUID().slice(0, 8)}`;
    const r = await callApi('POST', '/api/v1/tool-executions', {
      token,
      body: [
        { executionId: randomUUID(), userId: user, toolName: 'grep', success: true },
        { executionId: randomUUID(), userId: user, toolName: 'grep', success: true, createdAt },
      ],
    });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ error: { code: 'unprocessable', fields: [{ path: '1.createdAt', message: expect.stringMatching(message) }] } });
    const [{ n }] = await queryRows<{ n: number }>(t().db, sql`SELECT count(*)::int AS n FROM user_tool_history WHERE user_id = ${user}`);
    expect(n).toBe(0);
  });

  it('a createdAt inside the bounds (89 days ago, 4 minutes ahead) is kept', async () => {
    const user = `inside-${randomUUID().slice(0, 8)}`;
    const times = [new Date(Date.now() - 89 * 86_400_000), new Date(Date.now() + 4 * 60_000)].map((d) => d.toISOString());
    const r = await callApi('POST', '/api/v1/tool-executions', {
      token,
      body: times.map((createdAt) => ({ executionId: randomUUID(), userId: user, toolName: 'grep', success: true, createdAt })),
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ inserted: 2 });
  });

  it('a replayed session create returns the same session and status', async () => {
    const body = { project: `p-${randomUUID()}`, agent: 'coder' };
    const a = await callApi('POST', '/api/v1/sessions', { token, body, headers: { 'idempotency-key': 'sess-1' } });
    const b = await callApi('POST', '/api/v1/sessions', { token, body, headers: { 'idempotency-key': 'sess-1' } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.json).toEqual(a.json);
  });

  it('keyed tool executions (one statement in the database): replays, concurrent duplicates, another body, a refusal', async () => {
    const s = await makeSession(t().db);
    const count = async () =>
      (await queryRows<{ n: number }>(t().db, sql`SELECT count(*)::int AS n FROM user_tool_history WHERE session_id = ${s.id}`))[0].n;
    // No execution ids: only the key protects these.
    const one = { userId: 'u2', toolName: 'web_search', success: true, sessionId: s.id };
    const raced = await Promise.all(
      Array.from({ length: 6 }, () => callApi('POST', '/api/v1/tool-executions', { token, body: one, headers: { 'idempotency-key': `tk-${s.id}` } })),
    );
    expect(raced.map((r) => [r.status, r.json])).toEqual(Array(6).fill([200, { received: 1, inserted: 1, duplicates: 0 }]));
    expect(raced.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    expect(await count()).toBe(1);

    const other = await callApi('POST', '/api/v1/tool-executions', {
      token,
      body: { ...one, toolName: 'read_file' },
      headers: { 'idempotency-key': `tk-${s.id}` },
    });
    expect(other.status).toBe(422);
    expect(other.json).toMatchObject({ error: { code: 'unprocessable', fields: [{ path: 'Idempotency-Key' }] } });
    expect(await count()).toBe(1);

    const unknown = [one, { ...one, sessionId: randomUUID() }];
    const refused = [];
    for (let i = 0; i < 2; i++) {
      refused.push(await callApi('POST', '/api/v1/tool-executions', { token, body: unknown, headers: { 'idempotency-key': `tk-bad-${s.id}` } }));
    }
    expect(refused.map((r) => r.status)).toEqual([422, 422]);
    expect(refused[0].json).toEqual({
      error: { code: 'unprocessable', message: 'Unknown sessionId', fields: [{ path: '1.sessionId', message: 'no session with this id' }] },
    });
    expect(refused[1].json).toEqual(refused[0].json);
    expect(refused[1].headers.get('idempotent-replayed')).toBe('true');
    expect(await count()).toBe(1);
  });

  describe('ingest conflict handling (client ids, in the one ingest statement)', () => {
    const ev = (eventId: string, aggregateId: string, i: number) => ({ eventId, eventType: 'tool_call', aggregateId, metadata: { i } });
    const storedEventIds = async (aggregateId: string) =>
      (
        await queryRows<{ event_id: string; n: number }>(
          t().db,
          sql`SELECT event_id::text, count(*)::int AS n FROM execution_events WHERE aggregate_id = ${aggregateId} GROUP BY event_id ORDER BY event_id`,
        )
      ).map((r) => [r.event_id, r.n]);

    it.each([['without a key'], ['with an Idempotency-Key']])('events %s: a replay within one batch and across batches is stored once', async (mode) => {
      const agg = randomUUID();
      const [a, b, c, d] = Array.from({ length: 4 }, () => randomUUID());
      const headers = () => (mode === 'without a key' ? undefined : { 'idempotency-key': randomUUID() });
      // `a` twice in one batch, once in capitals (uuids are case-insensitive): one row, the first one's metadata.
      const first = await callApi('POST', '/api/v1/events', { token, body: [ev(a, agg, 0), ev(b, agg, 1), ev(a.toUpperCase(), agg, 2), ev(a, agg, 3)], headers: headers() });
      expect([first.status, first.json]).toEqual([200, { received: 4, inserted: 2, duplicates: 2 }]);
      // b and a again in a later batch, beside new ones, c twice.
      const second = await callApi('POST', '/api/v1/events', { token, body: [ev(b, agg, 4), ev(c, agg, 5), ev(a, agg, 6), ev(c, agg, 7), ev(d, agg, 8)], headers: headers() });
      expect([second.status, second.json]).toEqual([200, { received: 5, inserted: 2, duplicates: 3 }]);
      expect(await storedEventIds(agg)).toEqual([a, b, c, d].sort().map((id) => [id, 1]));
      const [{ i }] = await queryRows<{ i: number }>(t().db, sql`SELECT (metadata->>'i')::int AS i FROM execution_events WHERE event_id = ${a}`);
      expect(i).toBe(0);
    });

    it.each([['without a key'], ['with an Idempotency-Key']])('tool executions %s: a replay within one batch and across batches is stored once', async (mode) => {
      const s = await makeSession(t().db);
      const [a, b, c] = Array.from({ length: 3 }, () => randomUUID());
      const item = (executionId: string, executionTimeMs: number) => ({ executionId, userId: 'u-conflict', toolName: 'grep', success: true, executionTimeMs, sessionId: s.id });
      const headers = () => (mode === 'without a key' ? undefined : { 'idempotency-key': randomUUID() });
      const first = await callApi('POST', '/api/v1/tool-executions', { token, body: [item(a, 1), item(a.toUpperCase(), 2), item(b, 3)], headers: headers() });
      expect([first.status, first.json]).toEqual([200, { received: 3, inserted: 2, duplicates: 1 }]);
      const second = await callApi('POST', '/api/v1/tool-executions', { token, body: [item(b, 4), item(c, 5), item(c, 6), item(a, 7)], headers: headers() });
      expect([second.status, second.json]).toEqual([200, { received: 4, inserted: 1, duplicates: 3 }]);
      const rows = await queryRows<{ execution_id: string; execution_time_ms: number }>(
        t().db,
        sql`SELECT execution_id::text, execution_time_ms FROM user_tool_history WHERE session_id = ${s.id} ORDER BY execution_time_ms`,
      );
      expect(rows.map((r) => [r.execution_id, r.execution_time_ms])).toEqual([[a, 1], [b, 3], [c, 5]]);
    });

    it.each([['without a key'], ['with an Idempotency-Key']])('an event batch %s is one database statement, outside any transaction', async (mode) => {
      const monitor = monitorOf(t().handle);
      const body = batch(randomUUID(), 25);
      const headers = mode === 'without a key' ? undefined : { 'idempotency-key': randomUUID() };
      await callApi('POST', '/api/v1/events', { token, body: batch(randomUUID(), 1) }); // token lookup cached
      const before = monitor.snapshot().queries;
      const r = await callApi('POST', '/api/v1/events', { token, body, headers });
      expect(r.json).toEqual({ received: 25, inserted: 25, duplicates: 0 });
      expect(monitor.snapshot().queries - before).toBe(1);
      expect(monitor.snapshot().openTransactions).toBe(0);
    });
  });

  it('a domain refusal is stored and replayed, and nothing of the refused request remains', async () => {
    const path = `/api/v1/sessions/${randomUUID()}/heartbeat`;
    const a = await callApi('POST', path, { token, body: {}, headers: { 'idempotency-key': 'refused-1' } });
    const b = await callApi('POST', path, { token, body: {}, headers: { 'idempotency-key': 'refused-1' } });
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(b.json).toEqual(a.json);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
  });

  it('prunes keys older than 24 hours and keeps newer ones', async () => {
    await queryRows(
      t().db,
      sql`INSERT INTO idempotency_keys (principal, key, method, path, request_hash, response_status, response_body, created_at)
          VALUES ('token:x', 'old', 'POST', '/p', 'h', 200, '{}'::jsonb, now() - interval '25 hours'),
                 ('token:x', 'new', 'POST', '/p', 'h', 200, '{}'::jsonb, now() - interval '23 hours')`,
    );
    await pruneIdempotencyKeys(t().db, { batchSize: 1 });
    const rows = await queryRows<{ key: string }>(t().db, sql`SELECT key FROM idempotency_keys WHERE principal = 'token:x' ORDER BY key`);
    expect(rows.map((r) => r.key)).toEqual(['new']);
  });
});
