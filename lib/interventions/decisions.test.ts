import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditLog, interventionActions } from '@/lib/db/schema';
import { getControlDecision } from '@/lib/sessions/control';
import { describeEachDb } from '@/lib/test/db';
import { engineer as person, makeCheckpoint, makePausedSession } from '@/lib/test/factories';
import { abortSession, addInterventionNote, assignIntervention, bulkResolveInterventions, resumeSession } from './commands';
import { restoreFromPause } from '@/lib/checkpoints/restore-from-pause';

/** A person's decisions on a pause: each writes the transition and its audit row in one transaction. */
describeEachDb('intervention decisions (commands with their audit rows)', (t) => {
  async function auditRows(pausedSessionId: string) {
    return t().db.select().from(auditLog).where(eq(auditLog.targetId, pausedSessionId));
  }

  it('resume writes the transition and its audit row together', async () => {
    const { session, pause } = await makePausedSession(t().db);
    expect(await resumeSession(t().db, { pausedSessionId: pause.id, note: 'try the mirror' }, person('ann'))).toMatchObject({ ok: true });
    const audit = await auditRows(pause.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'intervention.resume', outcome: 'success', actorLabel: 'ann@example.com' });
    expect(await getControlDecision(t().db, { sessionId: session.id })).toMatchObject({
      decision: { action: 'resume', note: 'try the mirror' },
    });
  });

  it('resume after abort is refused with who aborted, and audits nothing for the refusal', async () => {
    const { pause } = await makePausedSession(t().db);
    expect((await abortSession(t().db, { pausedSessionId: pause.id, reason: 'wrong branch' }, person('ann'))).ok).toBe(true);
    const r = await resumeSession(t().db, { pausedSessionId: pause.id }, person('bob'));
    expect(r).toMatchObject({ ok: false, message: 'This pause was already aborted by ann@example.com.' });
    expect((await auditRows(pause.id)).map((a) => a.action)).toEqual(['intervention.abort']);
  });

  it('two people resuming at once: one wins, the other is told who', async () => {
    const { pause } = await makePausedSession(t().db);
    const [a, b] = await Promise.all([
      resumeSession(t().db, { pausedSessionId: pause.id }, person('ann')),
      resumeSession(t().db, { pausedSessionId: pause.id }, person('bob')),
    ]);
    const results = [a, b];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok);
    expect(loser && !loser.ok && loser.message).toMatch(/^This pause was already resumed by (ann|bob)@example\.com\.$/);
  });

  it('an unknown pause is reported, not thrown', async () => {
    expect(await resumeSession(t().db, { pausedSessionId: randomUUID() }, person('ann'))).toMatchObject({
      ok: false,
      message: 'This pause no longer exists.',
    });
  });

  it('note and assign are recorded on the trail and audited', async () => {
    const { pause } = await makePausedSession(t().db);
    expect((await addInterventionNote(t().db, { pausedSessionId: pause.id, note: 'seen before' }, person('qa'))).ok).toBe(true);
    expect((await assignIntervention(t().db, { pausedSessionId: pause.id }, person('ann'))).ok).toBe(true);
    expect(await assignIntervention(t().db, { pausedSessionId: pause.id }, person('bob'))).toMatchObject({
      ok: false,
      message: 'Already assigned to ann@example.com. Take it over to reassign it to you.',
    });
    const trail = await t().db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, pause.id));
    expect(trail.map((a) => a.action)).toEqual(['paused', 'note', 'assigned']);
    expect((await auditRows(pause.id)).map((a) => a.action).sort()).toEqual(['intervention.assign', 'intervention.note']);
  });

  it('restore picks the latest valid checkpoint, applies edits, and the agent receives them', async () => {
    const { session, pause } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 1);
    const latest = await makeCheckpoint(t().db, session.id, 2);
    const r = await restoreFromPause(
      t().db,
      { pausedSessionId: pause.id, currentTask: 'task-9', instruction: 'skip the flaky test' },
      person('ann'),
    );
    expect(r).toMatchObject({ ok: true, sequence: latest.sequence });
    const control = await getControlDecision(t().db, { sessionId: session.id });
    expect(control).toMatchObject({ decision: { action: 'restore', checkpoint: { id: latest.id, currentTaskId: 'task-9' } } });
    const [audit] = await t().db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, pause.id), eq(auditLog.action, 'intervention.restore')));
    expect(audit.details).toMatchObject({ checkpointId: latest.id, modified: true });
  });

  it('restore of a pause someone already resumed is refused (it would undo their decision)', async () => {
    const { session, pause } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 1);
    await resumeSession(t().db, { pausedSessionId: pause.id }, person('ann'));
    expect(await restoreFromPause(t().db, { pausedSessionId: pause.id }, person('bob'))).toMatchObject({
      ok: false,
      message: 'This pause was already resumed by ann@example.com.',
    });
  });

  it('restore without a valid checkpoint says so and leaves the pause open', async () => {
    const { pause } = await makePausedSession(t().db);
    expect(await restoreFromPause(t().db, { pausedSessionId: pause.id }, person('ann'))).toMatchObject({
      ok: false,
      message: 'This session has no valid checkpoint to restore from.',
    });
    expect((await resumeSession(t().db, { pausedSessionId: pause.id }, person('ann'))).ok).toBe(true);
  });

  it('bulk resume of 20 reports each item, including one someone else resolved first', async () => {
    const pauses = await Promise.all(Array.from({ length: 20 }, () => makePausedSession(t().db)));
    const ids = pauses.map((p) => p.pause.id);
    await abortSession(t().db, { pausedSessionId: ids[7] }, person('cid'));
    const results = await bulkResolveInterventions(t().db, { action: 'resume', ids, note: 'all clear' }, person('ann'));
    expect(results).toHaveLength(20);
    expect(results.map((r) => r.id)).toEqual(ids);
    expect(results.filter((r) => r.ok)).toHaveLength(19);
    expect(results[7]).toEqual({ id: ids[7], ok: false, message: 'This pause was already aborted by cid@example.com.' });
    const audits = await t().db.select().from(auditLog).where(eq(auditLog.action, 'intervention.resume'));
    expect(audits.filter((a) => ids.includes(a.targetId!) && (a.details as { bulk?: boolean }).bulk)).toHaveLength(19);
  });
});
