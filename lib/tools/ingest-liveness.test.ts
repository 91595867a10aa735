import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiToken } from '@/lib/auth/tokens';
import { setDbHandleForTests } from '@/lib/db/client';
import { agentSessions, pausedSessions, userToolHistory } from '@/lib/db/schema';
import { callApi } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';
import { makePausedSession, makeSession } from '@/lib/test/factories';

vi.mock('server-only', () => ({}));

/** POST /tool-executions without usage: ingest and sign of life in one statement, the latter only for an accepted batch. */
describeEachDb('tool executions are a sign of life', (t) => {
  let token = '';
  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'agents', scopes: ['ingest'] })).token;
  });
  afterAll(() => setDbHandleForTests(undefined));

  const old = new Date(Date.now() - 3_600_000);
  const beatOf = async (id: string) =>
    (await t().db.select({ at: agentSessions.lastHeartbeatAt }).from(agentSessions).where(eq(agentSessions.id, id)))[0].at.getTime();
  const exec = (sessionId: string) => ({ executionId: randomUUID(), userId: 'u1', toolName: 'grep', success: true, sessionId });

  it('moves the sessions’ last sign of life and resolves an open watchdog timeout pause', async () => {
    const running = await makeSession(t().db);
    const { session: silent, pause } = await makePausedSession(t().db, 'timeout');
    await t().db.update(agentSessions).set({ lastHeartbeatAt: old }).where(inArray(agentSessions.id, [running.id, silent.id]));
    const r = await callApi('POST', '/api/v1/tool-executions', { token, body: [exec(running.id), exec(silent.id)] });
    expect(r).toMatchObject({ status: 200, json: { received: 2, inserted: 2, duplicates: 0 } });
    expect(Date.now() - (await beatOf(running.id))).toBeLessThan(60_000);
    expect(Date.now() - (await beatOf(silent.id))).toBeLessThan(60_000);
    const [after] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, pause.id));
    expect(after).toMatchObject({ resolved: true, resolution: 'resumed', resolutionNote: 'agent came back' });
  });

  it('a batch refused for an unknown session stores nothing and touches no session', async () => {
    const s = await makeSession(t().db);
    await t().db.update(agentSessions).set({ lastHeartbeatAt: old }).where(eq(agentSessions.id, s.id));
    const ok = exec(s.id);
    const r = await callApi('POST', '/api/v1/tool-executions', { token, body: [ok, exec(randomUUID())] });
    expect(r).toMatchObject({ status: 422, json: { error: { fields: [{ path: '1.sessionId' }] } } });
    expect(await beatOf(s.id)).toBe(old.getTime());
    expect(await t().db.select().from(userToolHistory).where(eq(userToolHistory.executionId, ok.executionId))).toHaveLength(0);
  });

  describe('under an Idempotency-Key (claim, ingest, answer and sign of life in one statement)', () => {
    const keyed = (key: string, body: unknown) => callApi('POST', '/api/v1/tool-executions', { token, body, headers: { 'idempotency-key': key } });

    it('moves the sign of life and resolves an open timeout pause; a replay of the key touches nothing', async () => {
      const { session: silent, pause } = await makePausedSession(t().db, 'timeout');
      await t().db.update(agentSessions).set({ lastHeartbeatAt: old }).where(eq(agentSessions.id, silent.id));
      const key = randomUUID();
      const body = exec(silent.id);
      const first = await keyed(key, body);
      expect(first).toMatchObject({ status: 200, json: { received: 1, inserted: 1, duplicates: 0 } });
      expect(Date.now() - (await beatOf(silent.id))).toBeLessThan(60_000);
      const [after] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, pause.id));
      expect(after).toMatchObject({ resolved: true, resolution: 'resumed', resolutionNote: 'agent came back' });

      await t().db.update(agentSessions).set({ lastHeartbeatAt: old }).where(eq(agentSessions.id, silent.id));
      const replay = await keyed(key, body);
      expect(replay).toMatchObject({ status: 200, json: first.json });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await beatOf(silent.id)).toBe(old.getTime());
    });

    it('a batch refused for an unknown session stores nothing and touches no session, also when replayed', async () => {
      const s = await makeSession(t().db);
      await t().db.update(agentSessions).set({ lastHeartbeatAt: old }).where(eq(agentSessions.id, s.id));
      const ok = exec(s.id);
      const key = randomUUID();
      const body = [ok, exec(randomUUID())];
      for (let i = 0; i < 2; i++) {
        const r = await keyed(key, body);
        expect(r).toMatchObject({ status: 422, json: { error: { fields: [{ path: '1.sessionId' }] } } });
      }
      expect(await beatOf(s.id)).toBe(old.getTime());
      expect(await t().db.select().from(userToolHistory).where(eq(userToolHistory.executionId, ok.executionId))).toHaveLength(0);
    });
  });
});

