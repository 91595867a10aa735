import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createClient } from '@/lib/api-client';
import { createApiToken } from '@/lib/auth/tokens';
import { setDbHandleForTests } from '@/lib/db/client';
import { agentSessions, pausedSessions } from '@/lib/db/schema';
import { BASE, callApi, routeFetch } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';
import { makePausedSession } from '@/lib/test/factories';

vi.mock('server-only', () => ({}));

/** A runner's batch heartbeat: all sessions in one statement, or none when one id is unknown. */
describeEachDb('POST /api/v1/heartbeats', (t) => {
  let token = '';
  let readOnly = '';
  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'runner', scopes: ['ingest'] })).token;
    readOnly = (await createApiToken(t().db, { name: 'reader', scopes: ['read'] })).token;
  });
  afterAll(() => setDbHandleForTests(undefined));

  const old = new Date(Date.now() - 3_600_000);
  const stale = async (n: number) => {
    const rows = Array.from({ length: n }, () => ({ project: 'p-beats', agentName: 'coder', externalId: randomUUID(), currentTask: 'task-1', lastHeartbeatAt: old }));
    return (await t().db.insert(agentSessions).values(rows).returning({ id: agentSessions.id })).map((r) => r.id);
  };
  const rowsOf = (ids: string[]) =>
    t().db.select({ id: agentSessions.id, at: agentSessions.lastHeartbeatAt, task: agentSessions.currentTask }).from(agentSessions).where(inArray(agentSessions.id, ids));

  it('heart-beats every session sent, sets only the tasks sent, and answers each status in order', async () => {
    const [a, b, c] = await stale(3);
    const r = await callApi('POST', '/api/v1/heartbeats', { token, body: { sessions: [{ id: c }, { id: a, currentTask: 'deploy' }, { id: b, currentTask: null }] } });
    expect(r).toMatchObject({ status: 200, json: { sessions: [{ id: c, status: 'running' }, { id: a, status: 'running' }, { id: b, status: 'running' }] } });
    const rows = new Map((await rowsOf([a, b, c])).map((x) => [x.id, x]));
    for (const id of [a, b, c]) expect(Date.now() - rows.get(id)!.at.getTime()).toBeLessThan(60_000);
    expect([rows.get(a)!.task, rows.get(b)!.task, rows.get(c)!.task]).toEqual(['deploy', null, 'task-1']);
    // Idempotent like the single heartbeat: the same batch again is the same answer.
    const again = await callApi('POST', '/api/v1/heartbeats', { token, body: { sessions: [{ id: c }, { id: a, currentTask: 'deploy' }, { id: b, currentTask: null }] } });
    expect(again.json).toEqual(r.json);
  });

  it('names each unknown id with 422 and applies nothing of the batch', async () => {
    const [a, b] = await stale(2);
    const ghost1 = randomUUID();
    const ghost2 = randomUUID();
    const r = await callApi('POST', '/api/v1/heartbeats', {
      token,
      body: { sessions: [{ id: a, currentTask: 'x' }, { id: ghost1 }, { id: b }, { id: ghost2 }] },
    });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({
      error: {
        code: 'unprocessable',
        fields: [
          { path: 'sessions.1.id', message: `No session with this id: ${ghost1}` },
          { path: 'sessions.3.id', message: `No session with this id: ${ghost2}` },
        ],
      },
    });
    for (const row of await rowsOf([a, b])) {
      expect(row.at.getTime()).toBe(old.getTime());
      expect(row.task).toBe('task-1');
    }
  });

  it('takes 1000 sessions in one request and refuses 1001, duplicates, and a token without the ingest scope', async () => {
    const ids = await stale(1000);
    const ok = await callApi('POST', '/api/v1/heartbeats', { token, body: { sessions: ids.map((id) => ({ id })) } });
    expect(ok.status).toBe(200);
    expect((ok.json as { sessions: unknown[] }).sessions).toHaveLength(1000);
    expect((await rowsOf(ids)).every((x) => x.at.getTime() > old.getTime())).toBe(true);
    const tooMany = await callApi('POST', '/api/v1/heartbeats', { token, body: { sessions: [...ids, randomUUID()].map((id) => ({ id })) } });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json).toMatchObject({ error: { fields: [{ path: 'sessions' }] } });
    const dup = await callApi('POST', '/api/v1/heartbeats', { token, body: { sessions: [{ id: ids[0] }, { id: ids[0].toUpperCase() }] } });
    expect(dup.status).toBe(422);
    expect(JSON.stringify(dup.json)).toContain('only once');
    expect((await callApi('POST', '/api/v1/heartbeats', { token: readOnly, body: { sessions: [{ id: ids[0] }] } })).status).toBe(403);
  }, 60_000);

  it('the typed client sends it', async () => {
    const [a] = await stale(1);
    const c = createClient({ baseUrl: BASE, token, fetch: routeFetch });
    expect(await c.heartbeats([{ id: a, currentTask: 'ship' }])).toEqual([{ id: a, status: 'running' }]);
  });

  it('resolves a watchdog timeout pause of a session in the batch (the agent came back), and leaves other pauses alone', async () => {
    const timedOut = (await makePausedSession(t().db, 'timeout')).pause;
    const blocked = (await makePausedSession(t().db, 'retry_limit')).pause;
    const [live] = await stale(1);
    const r = await callApi('POST', '/api/v1/heartbeats', { token, body: { sessions: [{ id: live }, { id: timedOut.sessionId }, { id: blocked.sessionId }] } });
    expect(r).toMatchObject({
      status: 200,
      json: { sessions: [{ id: live, status: 'running' }, { id: timedOut.sessionId, status: 'running' }, { id: blocked.sessionId, status: 'paused' }] },
    });
    const pauses = new Map((await t().db.select().from(pausedSessions).where(inArray(pausedSessions.id, [timedOut.id, blocked.id]))).map((p) => [p.id, p]));
    expect(pauses.get(timedOut.id)).toMatchObject({ resolved: true, resolution: 'resumed', resolutionNote: 'agent came back' });
    expect(pauses.get(blocked.id)).toMatchObject({ resolved: false });
  });
});
