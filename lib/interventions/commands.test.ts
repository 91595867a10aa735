import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import { agentSessions, interventionActions, executionEvents } from '@/lib/db/schema';
import { getControlDecision } from '@/lib/sessions/control';
import { describeEachDb } from '@/lib/test/db';
import { agent, engineer, makePausedSession, makeSession } from '@/lib/test/factories';
import { abortSession, assignIntervention, pauseSession, resumeSession } from './commands';

/**
 * The database as the control read sees it, with `hook` run (and committed) right after its first query returns:
 * another person's decision landing between the two reads of one control call.
 */
function withDecisionBetweenReads(db: Db, hook: () => Promise<unknown>): Db {
  let fired = false;
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== 'select') return Reflect.get(target, prop, target);
      return (...args: Parameters<Db['select']>) => {
        const builder = target.select(...args);
        const from = builder.from.bind(builder);
        builder.from = ((...a: Parameters<typeof from>) => {
          const query = from(...a);
          const then = query.then.bind(query);
          query.then = ((ok, fail) =>
            then(async (rows) => {
              if (!fired) {
                fired = true;
                await hook();
              }
              return rows;
            }).then(ok, fail)) as typeof query.then;
          return query;
        }) as typeof builder.from;
        return builder;
      };
    },
  });
}

describeEachDb('interventions', (t) => {
  it('pause marks the session paused, writes the trail and an event', async () => {
    const { session, pause } = await makePausedSession(t().db);
    const [s] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, session.id));
    expect(s.status).toBe('paused');
    const actions = await t().db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, pause.id));
    expect(actions.map((a) => a.action)).toEqual(['paused']);
    const events = await t().db.select().from(executionEvents).where(eq(executionEvents.aggregateId, session.id));
    expect(events.map((e) => e.eventType)).toContain('session_paused');
  });

  it('a second pause of a paused session is refused with the open one', async () => {
    const { session, pause } = await makePausedSession(t().db);
    const again = await pauseSession(t().db, { sessionId: session.id, reason: 'again', pauseType: 'blocker' }, agent);
    expect(again).toMatchObject({ ok: false, reason: 'already_paused', pause: { id: pause.id } });
  });

  it('many concurrent resumes: exactly one wins, the others learn who won', async () => {
    const { pause } = await makePausedSession(t().db);
    const people = ['ann', 'bob', 'cid', 'dan', 'eli', 'fay', 'gus', 'hal'];
    const results = await Promise.all(
      people.map((p) => resumeSession(t().db, { pausedSessionId: pause.id, note: `from ${p}` }, engineer(p))),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const losers = results.filter((r) => !r.ok);
    expect(losers).toHaveLength(people.length - 1);
    const winnerLabel = winners[0].ok ? winners[0].pause.resolvedBy : '';
    for (const l of losers) expect(l).toMatchObject({ reason: 'already_resolved', resolution: 'resumed', resolvedBy: winnerLabel });
    const actions = await t().db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, pause.id));
    expect(actions.filter((a) => a.action === 'resumed')).toHaveLength(1);
  });

  it('resume after abort is refused and the session stays aborted', async () => {
    const { session, pause } = await makePausedSession(t().db);
    const aborted = await abortSession(t().db, { pausedSessionId: pause.id, reason: 'wrong branch' }, engineer('ann'));
    expect(aborted.ok).toBe(true);
    const resumed = await resumeSession(t().db, { pausedSessionId: pause.id }, engineer('bob'));
    expect(resumed).toMatchObject({ ok: false, reason: 'already_resolved', resolution: 'aborted', resolvedBy: 'ann@example.com' });
    const [s] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, session.id));
    expect(s.status).toBe('aborted');
    expect(s.endedAt).not.toBeNull();
  });

  it('the agent is told to wait, then resume with the note exactly once, then continue', async () => {
    const { session, pause } = await makePausedSession(t().db);
    expect(await getControlDecision(t().db, { sessionId: session.id })).toMatchObject({
      ok: true,
      decision: { action: 'wait', pausedSessionId: pause.id },
    });
    await resumeSession(t().db, { pausedSessionId: pause.id, note: 'use the cached results' }, engineer('ann'));
    expect(await getControlDecision(t().db, { sessionId: session.id })).toMatchObject({
      ok: true,
      decision: { action: 'resume', note: 'use the cached results', resolvedBy: 'ann@example.com' },
    });
    expect(await getControlDecision(t().db, { sessionId: session.id })).toMatchObject({ decision: { action: 'continue' } });
  });

  it('an aborted session is told to abort, repeatedly', async () => {
    const { session, pause } = await makePausedSession(t().db);
    await abortSession(t().db, { pausedSessionId: pause.id, reason: 'budget' }, engineer('ann'));
    for (let i = 0; i < 2; i++) {
      expect(await getControlDecision(t().db, { sessionId: session.id })).toMatchObject({
        decision: { action: 'abort', reason: 'budget', resolvedBy: 'ann@example.com' },
      });
    }
  });

  it('assign to me refuses to steal another engineer’s pause unless forced', async () => {
    const { pause } = await makePausedSession(t().db);
    expect((await assignIntervention(t().db, { pausedSessionId: pause.id }, engineer('ann'))).ok).toBe(true);
    expect(await assignIntervention(t().db, { pausedSessionId: pause.id }, engineer('bob'))).toMatchObject({
      ok: false,
      reason: 'assigned_to_other',
      assignedTo: 'ann@example.com',
    });
    expect((await assignIntervention(t().db, { pausedSessionId: pause.id, force: true }, engineer('bob'))).ok).toBe(true);
  });

  it('a decision committed between the control call\'s reads is never answered as continue', async () => {
    const resolutions = {
      abort: (id: string) => abortSession(t().db, { pausedSessionId: id, reason: 'budget' }, engineer('ann')),
      resume: (id: string) => resumeSession(t().db, { pausedSessionId: id, note: 'go on' }, engineer('ann')),
    };
    for (const [action, resolve] of Object.entries(resolutions)) {
      const { session, pause } = await makePausedSession(t().db);
      const racing = withDecisionBetweenReads(t().db, () => resolve(pause.id));
      const first = await getControlDecision(racing, { sessionId: session.id });
      // Either still `wait` (the decision landed after the pause was read) or the decision itself.
      expect(first.ok && ['wait', action]).toContain(first.ok && first.decision.action);
      if (first.ok && first.decision.action === 'wait') {
        expect(await getControlDecision(t().db, { sessionId: session.id })).toMatchObject({ decision: { action } });
      }
    }
  });

  it('a running session without pauses is told to continue', async () => {
    const s = await makeSession(t().db);
    expect(await getControlDecision(t().db, { sessionId: s.id })).toMatchObject({ ok: true, decision: { action: 'continue' } });
  });
});
