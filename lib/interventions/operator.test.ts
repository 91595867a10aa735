import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditLog, interventionActions } from '@/lib/db/schema';
import { getControlDecision } from '@/lib/sessions/control';
import { describeEachDb } from '@/lib/test/db';
import { makeCheckpoint, makePausedSession } from '@/lib/test/factories';
import { operatorAbort, operatorAssign, operatorBulk, operatorNote, operatorRestore, operatorResume, type Operator } from './operator';

const person = (name: string): Operator => ({ id: `u-${name}`, email: `${name}@example.com`, role: 'engineer' });

describeEachDb('intervention actions (operator layer)', (t) => {
  async function auditRows(pausedSessionId: string) {
    return t().db.select().from(auditLog).where(eq(auditLog.targetId, pausedSessionId));
  }

  it('resume writes the transition and its audit row together', async () => {
    const { session, pause } = await makePausedSession(t().db);
    expect(await operatorResume(t().db, { operator: person('ann'), pausedSessionId: pause.id, note: 'try the mirror' })).toEqual({ ok: true });
    const audit = await auditRows(pause.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'interventions:resume', outcome: 'success', actorLabel: 'ann@example.com' });
    expect(await getControlDecision(t().db, { sessionId: session.id })).toMatchObject({
      decision: { action: 'resume', note: 'try the mirror' },
    });
  });

  it('resume after abort is refused with who aborted, and audits nothing for the refusal', async () => {
    const { pause } = await makePausedSession(t().db);
    expect((await operatorAbort(t().db, { operator: person('ann'), pausedSessionId: pause.id, reason: 'wrong branch' })).ok).toBe(true);
    const r = await operatorResume(t().db, { operator: person('bob'), pausedSessionId: pause.id });
    expect(r).toEqual({ error: 'This pause was already aborted by ann@example.com.' });
    expect((await auditRows(pause.id)).map((a) => a.action)).toEqual(['interventions:abort']);
  });

  it('two people resuming at once: one wins, the other is told who', async () => {
    const { pause } = await makePausedSession(t().db);
    const [a, b] = await Promise.all([
      operatorResume(t().db, { operator: person('ann'), pausedSessionId: pause.id }),
      operatorResume(t().db, { operator: person('bob'), pausedSessionId: pause.id }),
    ]);
    const results = [a, b];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok)!;
    expect(loser.error).toMatch(/^This pause was already resumed by (ann|bob)@example\.com\.$/);
  });

  it('an unknown pause is reported, not thrown', async () => {
    expect(await operatorResume(t().db, { operator: person('ann'), pausedSessionId: randomUUID() })).toEqual({
      error: 'This pause no longer exists.',
    });
  });

  it('note and assign are recorded on the trail and audited', async () => {
    const { pause } = await makePausedSession(t().db);
    expect((await operatorNote(t().db, { operator: person('qa'), pausedSessionId: pause.id, note: 'seen before' })).ok).toBe(true);
    expect((await operatorAssign(t().db, { operator: person('ann'), pausedSessionId: pause.id })).ok).toBe(true);
    expect(await operatorAssign(t().db, { operator: person('bob'), pausedSessionId: pause.id })).toEqual({
      error: 'Already assigned to ann@example.com. Take it over to reassign it to you.',
    });
    const trail = await t().db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, pause.id));
    expect(trail.map((a) => a.action)).toEqual(['paused', 'note', 'assigned']);
    expect((await auditRows(pause.id)).map((a) => a.action).sort()).toEqual(['interventions:assign', 'interventions:note']);
  });

  it('restore picks the latest valid checkpoint, applies edits, and the agent receives them', async () => {
    const { session, pause } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 1);
    const latest = await makeCheckpoint(t().db, session.id, 2);
    const r = await operatorRestore(t().db, {
      operator: person('ann'),
      pausedSessionId: pause.id,
      currentTask: 'task-9',
      instruction: 'skip the flaky test',
    });
    expect(r).toMatchObject({ ok: true, data: { sequence: latest.sequence } });
    const control = await getControlDecision(t().db, { sessionId: session.id });
    expect(control).toMatchObject({ decision: { action: 'restore', checkpoint: { id: latest.id, currentTaskId: 'task-9' } } });
    const [audit] = await t().db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, pause.id), eq(auditLog.action, 'interventions:restore')));
    expect(audit.details).toMatchObject({ checkpointId: latest.id, modified: true });
  });

  it('restore of a pause someone already resumed is refused (it would undo their decision)', async () => {
    const { session, pause } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 1);
    await operatorResume(t().db, { operator: person('ann'), pausedSessionId: pause.id });
    expect(await operatorRestore(t().db, { operator: person('bob'), pausedSessionId: pause.id })).toEqual({
      error: 'This pause was already resumed by ann@example.com.',
    });
  });

  it('restore without a valid checkpoint says so and leaves the pause open', async () => {
    const { pause } = await makePausedSession(t().db);
    expect(await operatorRestore(t().db, { operator: person('ann'), pausedSessionId: pause.id })).toEqual({
      error: 'This session has no valid checkpoint to restore from.',
    });
    expect((await operatorResume(t().db, { operator: person('ann'), pausedSessionId: pause.id })).ok).toBe(true);
  });

  it('bulk resume of 20 reports each item, including one someone else resolved first', async () => {
    const pauses = await Promise.all(Array.from({ length: 20 }, () => makePausedSession(t().db)));
    const ids = pauses.map((p) => p.pause.id);
    await operatorAbort(t().db, { operator: person('cid'), pausedSessionId: ids[7] });
    const results = await operatorBulk(t().db, { operator: person('ann'), action: 'resume', ids, note: 'all clear' });
    expect(results).toHaveLength(20);
    expect(results.map((r) => r.id)).toEqual(ids);
    expect(results.filter((r) => r.ok)).toHaveLength(19);
    expect(results[7]).toEqual({ id: ids[7], ok: false, message: 'This pause was already aborted by cid@example.com.' });
    const audits = await t().db.select().from(auditLog).where(eq(auditLog.action, 'interventions:resume'));
    expect(audits.filter((a) => ids.includes(a.targetId!) && (a.details as { bulk?: boolean }).bulk)).toHaveLength(19);
  });
});
