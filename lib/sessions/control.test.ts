import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { agentSessions } from '@/lib/db/schema';
import { abortSession, resumeSession } from '@/lib/interventions/commands';
import { describeEachDb } from '@/lib/test/db';
import { engineer, makePausedSession, makeSession } from '@/lib/test/factories';
import { getControlDecision, touchAndGetControlDecision } from './control';

/**
 * The control call's one-statement read (touchAndGetControlDecision) answers exactly what getControlDecision
 * answers, and marks the session alive in the same statement.
 */
describeEachDb('touchAndGetControlDecision', (t) => {
  const person = engineer('ann');
  const old = new Date(Date.now() - 3_600_000);
  const beatOf = async (id: string) =>
    (await t().db.select({ at: agentSessions.lastHeartbeatAt }).from(agentSessions).where(eq(agentSessions.id, id)))[0].at;

  it('a running session: continue, and its last sign of life moves', async () => {
    const s = await makeSession(t().db);
    await t().db.update(agentSessions).set({ lastHeartbeatAt: old }).where(eq(agentSessions.id, s.id));
    const r = await touchAndGetControlDecision(t().db, { sessionId: s.id });
    expect(r).toEqual({ timedOut: false, result: { ok: true, decision: { action: 'continue', status: 'running' } } });
    expect(Date.now() - (await beatOf(s.id))!.getTime()).toBeLessThan(60_000);
  });

  it('an open pause: the same wait answer as getControlDecision, to the millisecond', async () => {
    const { session, pause } = await makePausedSession(t().db, 'blocker');
    const r = await touchAndGetControlDecision(t().db, { sessionId: session.id });
    expect(r.timedOut).toBe(false);
    expect(r.result).toEqual(await getControlDecision(t().db, { sessionId: session.id }));
    expect(r.result).toMatchObject({ decision: { action: 'wait', pausedSessionId: pause.id, pausedAt: pause.pausedAt.toISOString(), pauseType: 'blocker' } });
  });

  it('resume is answered once, then continue; abort is answered with its reason', async () => {
    const a = await makePausedSession(t().db);
    expect((await resumeSession(t().db, { pausedSessionId: a.pause.id, note: 'go' }, person)).ok).toBe(true);
    expect((await touchAndGetControlDecision(t().db, { sessionId: a.session.id })).result).toMatchObject({
      decision: { action: 'resume', pausedSessionId: a.pause.id, note: 'go', resolvedBy: 'ann@example.com' },
    });
    expect((await touchAndGetControlDecision(t().db, { sessionId: a.session.id })).result).toMatchObject({ decision: { action: 'continue' } });
    const b = await makePausedSession(t().db);
    expect((await abortSession(t().db, { pausedSessionId: b.pause.id, reason: 'wrong branch' }, person)).ok).toBe(true);
    const r = await touchAndGetControlDecision(t().db, { sessionId: b.session.id });
    expect(r.result).toEqual(await getControlDecision(t().db, { sessionId: b.session.id }));
    expect(r.result).toMatchObject({ decision: { action: 'abort', reason: 'wrong branch' } });
  });

  it('an open watchdog timeout pause is flagged for the caller to resolve; an unknown session is not found', async () => {
    const { session } = await makePausedSession(t().db, 'timeout');
    expect(await touchAndGetControlDecision(t().db, { sessionId: session.id })).toMatchObject({ timedOut: true, result: { decision: { action: 'wait' } } });
    expect(await touchAndGetControlDecision(t().db, { sessionId: '00000000-0000-4000-8000-000000000000' })).toEqual({
      timedOut: false,
      result: { ok: false, reason: 'not_found' },
    });
  });
});
