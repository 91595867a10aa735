import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditLog, executionEvents, sessionCheckpoints } from '@/lib/db/schema';
import { getControlDecision } from '@/lib/sessions/control';
import { describeEachDb } from '@/lib/test/db';
import { engineer, makeCheckpoint, makePausedSession } from '@/lib/test/factories';
import { resumeSession } from '@/lib/interventions/commands';
import { decideRestoreRequest, pendingRequestsFor, setFourEyes } from './four-eyes';
import { restoreFromPause, restoreSession } from './restore-from-pause';

const edited = {
  conversationHistory: [{ role: 'user', content: 'start' }, { role: 'user', content: 'edited by a person' }],
  currentTaskId: 'task-fixed',
  completedTasks: ['task-0'],
  metricsSnapshot: { tokens: 1 },
};

describeEachDb('restore with an edited state, four-eyes, races', (t) => {
  const db = () => t().db;

  it('the edited state becomes a manual checkpoint forked from the original; the agent receives exactly it', async () => {
    const { session, pause } = await makePausedSession(db());
    const original = await makeCheckpoint(db(), session.id, 1);
    const r = await restoreFromPause(db(), { pausedSessionId: pause.id, checkpointId: original.id, editedState: edited }, engineer('ann'));
    expect(r).toMatchObject({ ok: true, pending: false, forkedFrom: original.id, sequence: 2 });
    const [fork] = await db().select().from(sessionCheckpoints).where(eq(sessionCheckpoints.sequence, 2));
    expect(fork).toMatchObject({ checkpointType: 'manual', forkedFrom: original.id, createdBy: 'ann@example.com', sessionId: session.id });
    const [orig] = await db().select().from(sessionCheckpoints).where(eq(sessionCheckpoints.id, original.id));
    expect(orig.conversationHistory).toHaveLength(2);
    expect(orig.currentTaskId).toBe('task-1');
    const control = await getControlDecision(db(), { sessionId: session.id });
    expect(control.ok && control.decision.action === 'restore' && control.decision.checkpoint).toMatchObject({ id: fork.id, ...edited });
    const events = await db().select().from(executionEvents).where(eq(executionEvents.aggregateId, session.id));
    expect(events.find((e) => e.eventType === 'checkpoint_forked')?.metadata).toMatchObject({ forked_from: original.id, forked_from_sequence: 1 });
  });

  it('a refused edited restore writes nothing (no fork left behind)', async () => {
    const { session, pause } = await makePausedSession(db());
    const original = await makeCheckpoint(db(), session.id, 1);
    await resumeSession(db(), { pausedSessionId: pause.id }, engineer('cid'));
    expect(await restoreFromPause(db(), { pausedSessionId: pause.id, checkpointId: original.id, editedState: edited }, engineer('ann'))).toMatchObject({
      ok: false,
      message: 'This pause was already resumed by cid@example.com.',
    });
    // A second restore without a pause, while another recovery runs, rolls its fork back.
    expect((await restoreSession(db(), { sessionId: session.id, checkpointId: original.id }, engineer('ann'))).ok).toBe(true);
    const r = await restoreSession(db(), { sessionId: session.id, checkpointId: original.id, editedState: edited }, engineer('bob'));
    expect(r).toMatchObject({ ok: false, message: 'A recovery is already in progress (started by ann@example.com).' });
    expect(await db().select().from(sessionCheckpoints).where(eq(sessionCheckpoints.sessionId, session.id))).toHaveLength(1);
  });

  it('four-eyes: the restore waits; the requester cannot approve; a second engineer does and the agent gets it', async () => {
    const { session, pause } = await makePausedSession(db());
    await makeCheckpoint(db(), session.id, 1);
    await setFourEyes(db(), { project: session.project, fourEyes: true }, engineer('admin'));
    const r = await restoreFromPause(db(), { pausedSessionId: pause.id, checkpointId: null, editedState: null }, engineer('ann'));
    expect(r).toMatchObject({ ok: true, pending: true });
    if (!r.ok || !r.pending) throw new Error('expected a pending request');
    expect(await getControlDecision(db(), { sessionId: session.id })).toMatchObject({ decision: { action: 'wait' } });
    expect(await decideRestoreRequest(db(), { requestId: r.requestId, decision: 'approve' }, engineer('ann'))).toMatchObject({
      ok: false,
      message: 'You requested this restore: a second engineer must approve it.',
    });
    expect(await decideRestoreRequest(db(), { requestId: r.requestId, decision: 'approve' }, engineer('bob'))).toMatchObject({ ok: true });
    expect(await getControlDecision(db(), { sessionId: session.id })).toMatchObject({ decision: { action: 'restore' } });
    const audits = await db().select().from(auditLog).where(eq(auditLog.targetId, r.requestId));
    expect(audits.map((a) => [a.action, a.outcome, a.actorLabel])).toEqual([
      ['intervention.restore_request', 'success', 'ann@example.com'],
      ['intervention.restore_approve', 'failure', 'ann@example.com'],
      ['intervention.restore_approve', 'success', 'bob@example.com'],
    ]);
    const events = await db().select().from(executionEvents).where(eq(executionEvents.aggregateId, session.id));
    expect(events.map((e) => e.eventType)).toEqual(expect.arrayContaining(['restore_requested', 'restore_approved', 'recovery_started']));
  });

  it('four-eyes race: two engineers restoring the same pause get one request and one refusal naming the first', async () => {
    const { session, pause } = await makePausedSession(db());
    await makeCheckpoint(db(), session.id, 1);
    await setFourEyes(db(), { project: session.project, fourEyes: true }, engineer('admin'));
    const results = await Promise.all(['ann', 'bob'].map((p) => restoreFromPause(db(), { pausedSessionId: pause.id }, engineer(p))));
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    const loser = results.find((x) => !x.ok);
    expect(loser && !loser.ok && loser.message).toMatch(/^A restore of this session is already awaiting approval \(requested by (ann|bob)@example\.com\)\.$/);
  });

  it('without four-eyes, two engineers restoring the same pause: one wins, the other is told who', async () => {
    const { session, pause } = await makePausedSession(db());
    await makeCheckpoint(db(), session.id, 1);
    const results = await Promise.all(['ann', 'bob'].map((p) => restoreFromPause(db(), { pausedSessionId: pause.id }, engineer(p))));
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    const loser = results.find((x) => !x.ok);
    expect(loser && !loser.ok && loser.message).toMatch(/^This pause was already restored by (ann|bob)@example\.com\.$/);
  });

  it('an approval arriving after the pause was resolved another way is refused clearly', async () => {
    const { session, pause } = await makePausedSession(db());
    await makeCheckpoint(db(), session.id, 1);
    await setFourEyes(db(), { project: session.project, fourEyes: true }, engineer('admin'));
    const r = await restoreFromPause(db(), { pausedSessionId: pause.id }, engineer('ann'));
    if (!r.ok || !r.pending) throw new Error('expected a pending request');
    expect((await resumeSession(db(), { pausedSessionId: pause.id }, engineer('cid'))).ok).toBe(true);
    expect(await decideRestoreRequest(db(), { requestId: r.requestId, decision: 'approve' }, engineer('bob'))).toMatchObject({
      ok: false,
      message: 'The pause was already resumed by cid@example.com; this request can no longer be approved.',
    });
    expect(await getControlDecision(db(), { sessionId: session.id })).toMatchObject({ decision: { action: 'resume' } });
    // A rejection by the second engineer closes it; approving afterwards is refused with who decided.
    expect((await decideRestoreRequest(db(), { requestId: r.requestId, decision: 'reject' }, engineer('bob'))).ok).toBe(true);
    expect(await decideRestoreRequest(db(), { requestId: r.requestId, decision: 'approve' }, engineer('dan'))).toMatchObject({
      ok: false,
      message: 'This restore request was already rejected by bob@example.com.',
    });
  });

  it('four-eyes from a checkpoint page: an edited restore becomes a request on the open pause; rejection leaves it open', async () => {
    const { session, pause } = await makePausedSession(db());
    const original = await makeCheckpoint(db(), session.id, 1);
    await setFourEyes(db(), { project: session.project, fourEyes: true }, engineer('admin'));
    const r = await restoreSession(db(), { sessionId: session.id, checkpointId: original.id, editedState: edited }, engineer('ann'));
    if (!r.ok || !r.pending) throw new Error('expected a pending request');
    expect(r.sequence).toBe(2);
    const pending = await pendingRequestsFor(db(), [pause.id]);
    expect(pending.get(pause.id)).toMatchObject({ id: r.requestId, requestedBy: 'ann@example.com', checkpointId: r.checkpointId });
    expect((await decideRestoreRequest(db(), { requestId: r.requestId, decision: 'reject', note: 'not this one' }, engineer('bob'))).ok).toBe(true);
    expect(await getControlDecision(db(), { sessionId: session.id })).toMatchObject({ decision: { action: 'wait' } });
    const events = await db().select().from(executionEvents).where(eq(executionEvents.aggregateId, session.id));
    expect(events.map((e) => e.eventType)).toEqual(expect.arrayContaining(['checkpoint_forked', 'restore_requested', 'restore_rejected']));
  });
});
