import { eq, sql } from 'drizzle-orm';
import { queryRows } from '@/lib/db/client';
import { expect, it } from 'vitest';
import { agentSessions, checkpointRecoveries, pausedSessions } from '@/lib/db/schema';
import { getControlDecision } from '@/lib/sessions/control';
import { describeEachDb } from '@/lib/test/db';
import { agent, engineer, makeCheckpoint, makePausedSession, makeSession } from '@/lib/test/factories';
import { createCheckpoint, invalidateCheckpoints } from './commands';
import { abandonStaleRecoveries, completeRecovery, startRecovery } from './recovery';

describeEachDb('checkpoints and recoveries', (t) => {
  it('numbers checkpoints per session and ignores a replay of the latest', async () => {
    const s = await makeSession(t().db);
    const a = await makeCheckpoint(t().db, s.id, 1);
    const b = await makeCheckpoint(t().db, s.id, 2);
    expect([a.sequence, b.sequence]).toEqual([1, 2]);
    const replay = await makeCheckpoint(t().db, s.id, 2);
    expect(replay.id).toBe(b.id);
  });

  it('concurrent checkpoints of one session get distinct sequences', async () => {
    const s = await makeSession(t().db);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => makeCheckpoint(t().db, s.id, n)));
    expect(new Set(results.map((c) => c.sequence)).size).toBe(5);
  });

  it('restore delivers exactly the checkpoint state and the recovery completes', async () => {
    const { session, pause } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 1);
    const cp2 = await makeCheckpoint(t().db, session.id, 2);
    const started = await startRecovery(t().db, { sessionId: session.id }, engineer('ann'));
    expect(started).toMatchObject({ ok: true, checkpoint: { id: cp2.id } });
    const [p] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, pause.id));
    expect(p).toMatchObject({ resolved: true, resolution: 'restored', resolvedBy: 'ann@example.com' });
    const control = await getControlDecision(t().db, { sessionId: session.id });
    expect(control).toMatchObject({
      ok: true,
      decision: { action: 'restore', checkpoint: { id: cp2.id, sequence: 2, currentTaskId: 'task-2', completedTasks: ['task-0', 'task-1'] } },
    });
    if (!started.ok) throw new Error('unreachable');
    const done = await completeRecovery(t().db, { recoveryId: started.recovery.id, status: 'succeeded' }, agent);
    expect(done).toMatchObject({ ok: true, recovery: { recoveryStatus: 'succeeded' } });
    const [s] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, session.id));
    expect(s.status).toBe('running');
    expect(await getControlDecision(t().db, { sessionId: session.id })).toMatchObject({ decision: { action: 'continue' } });
  });

  it('restore with edits changes the task and appends the instruction', async () => {
    const { session } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 3);
    await startRecovery(t().db, {
      sessionId: session.id,
      modifications: { currentTask: 'task-fix', instruction: 'Skip the flaky test' },
    }, engineer('ann'));
    const control = await getControlDecision(t().db, { sessionId: session.id });
    if (!control.ok || control.decision.action !== 'restore') throw new Error('expected restore');
    expect(control.decision.checkpoint.currentTaskId).toBe('task-fix');
    expect(control.decision.checkpoint.conversationHistory.at(-1)).toMatchObject({ role: 'user', content: 'Skip the flaky test' });
  });

  it('concurrent restores: one wins, the others see the recovery in progress', async () => {
    const { session } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 1);
    const results = await Promise.all(
      ['ann', 'bob', 'cid', 'dan'].map((p) => startRecovery(t().db, { sessionId: session.id }, engineer(p))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ reason: 'recovery_in_progress' });
  });

  it('an invalidated checkpoint cannot be restored and leaves v_resumable_checkpoints', async () => {
    const { session } = await makePausedSession(t().db);
    const cp1 = await makeCheckpoint(t().db, session.id, 1);
    const cp2 = await makeCheckpoint(t().db, session.id, 2);
    const inv = await invalidateCheckpoints(t().db, { checkpointId: cp1.id, andLater: true, reason: 'corrupt tool output' }, engineer());
    expect(inv).toEqual({ ok: true, invalidated: 2, sessionId: session.id });
    expect(await startRecovery(t().db, { sessionId: session.id, checkpointId: cp2.id }, engineer())).toMatchObject({
      ok: false,
      reason: 'checkpoint_invalid',
    });
    expect(await startRecovery(t().db, { sessionId: session.id }, engineer())).toMatchObject({ ok: false, reason: 'no_valid_checkpoint' });
    const rows = await queryRows(t().db, sql`SELECT id FROM v_resumable_checkpoints WHERE session_id = ${session.id}`);
    expect(rows).toHaveLength(0);
  });

  it('a failed recovery fails the session; a repeat of the same report is harmless, a different one refused', async () => {
    const { session } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 1);
    const started = await startRecovery(t().db, { sessionId: session.id }, engineer());
    if (!started.ok) throw new Error('restore refused');
    await completeRecovery(t().db, { recoveryId: started.recovery.id, status: 'failed', error: 'state mismatch' }, agent);
    expect(await completeRecovery(t().db, { recoveryId: started.recovery.id, status: 'failed' }, agent)).toMatchObject({
      ok: true,
      alreadyCompleted: true,
    });
    expect(await completeRecovery(t().db, { recoveryId: started.recovery.id, status: 'succeeded' }, agent)).toMatchObject({
      ok: false,
      reason: 'already_completed',
    });
    const [s] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, session.id));
    expect(s).toMatchObject({ status: 'failed', error: 'state mismatch' });
  });

  it('recoveries that never report back are abandoned', async () => {
    const { session } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 1);
    const started = await startRecovery(t().db, { sessionId: session.id }, engineer());
    if (!started.ok) throw new Error('restore refused');
    expect((await abandonStaleRecoveries(t().db, { olderThanSeconds: 3600 })).abandoned).toBe(0);
    await t().db
      .update(checkpointRecoveries)
      .set({ startedAt: new Date(Date.now() - 7200_000) })
      .where(eq(checkpointRecoveries.id, started.recovery.id));
    expect((await abandonStaleRecoveries(t().db, { olderThanSeconds: 3600 })).abandoned).toBe(1);
    const [r] = await t().db.select().from(checkpointRecoveries).where(eq(checkpointRecoveries.id, started.recovery.id));
    expect(r.recoveryStatus).toBe('abandoned');
    expect(r.error).toBe('The agent did not report an outcome within 1 hour of the restore');
  });

  it('refuses a checkpoint for an unknown session', async () => {
    const r = await createCheckpoint(t().db, {
      sessionId: '00000000-0000-4000-8000-000000000000',
      checkpointType: 'manual',
      conversationHistory: [],
    });
    expect(r).toEqual({ ok: false, reason: 'not_found' });
  });
});
