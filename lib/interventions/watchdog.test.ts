import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApiToken } from '@/lib/auth/tokens';
import { setDbHandleForTests } from '@/lib/db/client';
import { agentSessions, auditLog, interventionActions, pausedSessions, projectSettings } from '@/lib/db/schema';
import { abortSession } from './commands';
import { callApi } from '@/lib/test/api';
import { createTestDatabase, describeEachDb, type TestDatabase } from '@/lib/test/db';
import { engineer, makePausedSession, makeSession } from '@/lib/test/factories';
import { listSessionTimeline } from '@/lib/sessions/timeline';
import { pauseSilentSessions } from './watchdog';

vi.mock('server-only', () => ({}));

/**
 * The heartbeat watchdog with an injected clock: `now` is passed to the job, the session's last sign of life is set
 * to a known instant, so "silent for 400 s" is exact without waiting.
 */
describeEachDb('heartbeat watchdog', (t) => {
  let token = '';
  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'runner', scopes: ['ingest', 'control'] })).token;
  });
  afterAll(() => setDbHandleForTests(undefined));

  /** A running session whose last sign of life was at `at`. */
  async function silentSince(at: Date, project?: string) {
    const s = await makeSession(t().db, project ? { project } : {});
    await t().db.update(agentSessions).set({ lastHeartbeatAt: at }).where(eq(agentSessions.id, s.id));
    return s;
  }
  const openPause = async (sessionId: string) =>
    (await t().db.select().from(pausedSessions).where(and(eq(pausedSessions.sessionId, sessionId), eq(pausedSessions.resolved, false))))[0];

  it('pauses a running session silent past the timeout as `timeout`, by system, with trail, event and audit row', async () => {
    const last = new Date(Date.now() - 1000);
    const silent = await silentSince(last);
    const fresh = await silentSince(new Date(last.getTime() + 200_000));
    const r = await pauseSilentSessions(t().db, { now: new Date(last.getTime() + 400_000), defaultTimeoutS: 300 });
    expect(r.paused).toContain(silent.id);
    expect(r.paused).not.toContain(fresh.id);

    const pause = await openPause(silent.id);
    expect(pause).toMatchObject({ pauseType: 'timeout', reason: 'No sign of life for 400 s', context: { timeout_s: 300, silent_s: 400 } });
    const [s] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, silent.id));
    expect(s.status).toBe('paused');
    expect(s.lastHeartbeatAt.getTime()).toBe(last.getTime()); // the pause is no sign of the agent's life
    const trail = await t().db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, pause.id));
    expect(trail.map((a) => [a.action, a.actor, a.actorType])).toEqual([['paused', 'system', 'system']]);
    const audit = await t().db.select().from(auditLog).where(eq(auditLog.targetId, pause.id));
    expect(audit.map((a) => [a.action, a.actorType, a.actorLabel, a.outcome])).toEqual([['intervention.pause', 'system', 'system', 'success']]);
    expect(await openPause(fresh.id)).toBeUndefined();

    // The agent learns it from its next control answer.
    const control = await callApi('GET', `/api/v1/sessions/${silent.id}/control`, { token });
    expect(control.json).toMatchObject({ decision: { action: 'resume', note: 'agent came back' } });
  });

  it("uses the project's own timeout from Settings before HEARTBEAT_TIMEOUT_S", async () => {
    const project = `short-${Date.now()}`;
    await t().db.insert(projectSettings).values({ project, heartbeatTimeoutS: 60 });
    const last = new Date(Date.now() - 1000);
    const quick = await silentSince(last, project);
    const other = await silentSince(last);
    const r = await pauseSilentSessions(t().db, { now: new Date(last.getTime() + 90_000), defaultTimeoutS: 300 });
    expect(r.paused).toContain(quick.id);
    expect(r.paused).not.toContain(other.id);
    expect((await openPause(quick.id))?.reason).toBe('No sign of life for 90 s');
  });

  it('an agent that comes back resolves the pause itself; the timeline shows both', async () => {
    const last = new Date(Date.now() - 1000);
    const s = await silentSince(last);
    await pauseSilentSessions(t().db, { now: new Date(last.getTime() + 301_000), defaultTimeoutS: 300 });
    const pause = await openPause(s.id);
    expect(pause.pauseType).toBe('timeout');

    const hb = await callApi('POST', `/api/v1/sessions/${s.id}/heartbeat`, { token, body: {} });
    expect([hb.status, hb.json]).toEqual([200, { status: 'running' }]);
    const [after] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, pause.id));
    expect(after).toMatchObject({ resolved: true, resolution: 'resumed', resolvedBy: 'agent:runner', resolutionNote: 'agent came back' });
    const trail = await t().db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, pause.id));
    expect(trail.map((a) => [a.action, a.actor])).toEqual([
      ['paused', 'system'],
      ['resumed', 'agent:runner'],
    ]);
    const { items } = await listSessionTimeline(t().db, { sessionId: s.id });
    const labels = items.map((i) => `${i.kind}:${i.label}`);
    expect(labels).toContain('pause:timeout');
    expect(labels).toContain('action:resumed');
    expect((await callApi('GET', `/api/v1/sessions/${s.id}/control`, { token })).json).toMatchObject({
      decision: { action: 'resume', note: 'agent came back', resolvedBy: 'agent:runner' },
    });
  });

  it('a person who decided first wins: the returning agent changes nothing', async () => {
    const last = new Date(Date.now() - 1000);
    const s = await silentSince(last);
    await pauseSilentSessions(t().db, { now: new Date(last.getTime() + 301_000), defaultTimeoutS: 300 });
    const pause = await openPause(s.id);
    expect((await abortSession(t().db, { pausedSessionId: pause.id, reason: 'gone' }, engineer('ann'))).ok).toBe(true);
    const hb = await callApi('POST', `/api/v1/sessions/${s.id}/heartbeat`, { token, body: {} });
    expect(hb.json).toEqual({ status: 'aborted' });
    const [after] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, pause.id));
    expect(after).toMatchObject({ resolution: 'aborted', resolvedBy: 'ann@example.com' });
  });

  it("an agent's own pause (a blocker) is not resolved by its heartbeat", async () => {
    const { session, pause } = await makePausedSession(t().db, 'blocker');
    await callApi('POST', `/api/v1/sessions/${session.id}/heartbeat`, { token, body: {} });
    const [after] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, pause.id));
    expect(after.resolved).toBe(false);
  });
});

/** Two instances running the job at the same instant, on separate connections (Postgres only: PGlite has one). */
const pg = process.env.TEST_DATABASE_URL ? it : it.skip;
let a: TestDatabase | undefined;
let b: TestDatabase | undefined;
afterAll(async () => {
  await b?.handle.close();
  await a?.destroy();
});
pg('two job runs at once pause each silent session exactly once [postgres]', async () => {
  a = await createTestDatabase('postgres');
  const { createDb } = await import('@/lib/db/client');
  const second = await createDb({ url: a.url!, poolMax: 10 });
  b = { ...a, handle: second, db: second.db, destroy: () => second.close() };
  const last = new Date(Date.now() - 1000);
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    const s = await makeSession(a.db);
    await a.db.update(agentSessions).set({ lastHeartbeatAt: last }).where(eq(agentSessions.id, s.id));
    ids.push(s.id);
  }
  const now = new Date(last.getTime() + 400_000);
  const [r1, r2] = await Promise.all([
    pauseSilentSessions(a.db, { now, defaultTimeoutS: 300 }),
    pauseSilentSessions(second.db, { now, defaultTimeoutS: 300 }),
  ]);
  expect([...r1.paused, ...r2.paused].sort()).toEqual([...ids].sort());
  const pauses = await a.db.select().from(pausedSessions);
  expect(pauses).toHaveLength(30);
  const audits = await a.db.select().from(auditLog).where(eq(auditLog.action, 'intervention.pause'));
  expect(audits).toHaveLength(30);
  const trail = await a.db.select().from(interventionActions).where(eq(interventionActions.action, 'paused'));
  expect(trail).toHaveLength(30);
});
