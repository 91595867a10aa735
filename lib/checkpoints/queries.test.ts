import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRollups } from '@/lib/analytics/rollups';
import { queryRows } from '@/lib/db/client';
import { migrate, readMigrations } from '@/lib/db/migrate';
import { recordHeartbeats } from '@/lib/sessions/heartbeats';
import { createTestDatabase, describeEachDb, driverError, testDbKinds, type TestDatabase } from '@/lib/test/db';
import { agent, engineer, makeCheckpoint, makePausedSession, makeSession } from '@/lib/test/factories';
import { createCheckpoint } from './commands';
import { completeRecovery, startRecovery } from './recovery';
import { decodeRecoveryCursor } from './recovery-queries';
import { getCheckpointDetail, listCheckpointMessages, listRecoveries, listRecoveryFailures, recoveryStatsByMethod, recoveryStatsOverTime } from './queries';

const history = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `message ${i} ${'x'.repeat(200)}` }));

describeEachDb('checkpoint page and recovery queries', (t) => {
  it('returns a window of a big history, not the whole of it', async () => {
    const s = await makeSession(t().db);
    const r = await createCheckpoint(t().db, { sessionId: s.id, checkpointType: 'periodic', conversationHistory: history(5000) });
    if (!r.ok) throw new Error('checkpoint refused');
    const first = await listCheckpointMessages(t().db, { checkpointId: r.checkpoint.id, limit: 200 });
    expect(first.total).toBe(5000);
    expect(first.messages).toHaveLength(200);
    expect(first.messages[0]).toMatchObject({ content: expect.stringMatching(/^message 0 /) });
    const tail = await listCheckpointMessages(t().db, { checkpointId: r.checkpoint.id, offset: 4950, limit: 200 });
    expect(tail.messages).toHaveLength(50);
    expect(tail.messages[0]).toMatchObject({ content: expect.stringMatching(/^message 4950 /) });
    expect((await listCheckpointMessages(t().db, { checkpointId: r.checkpoint.id, offset: 6000 })).messages).toEqual([]);
  });

  it('diffs a checkpoint against the previous one: tasks and messages added', async () => {
    const s = await makeSession(t().db);
    await createCheckpoint(t().db, { sessionId: s.id, checkpointType: 'task_completion', conversationHistory: history(4), completedTasks: ['a'] });
    const r = await createCheckpoint(t().db, { sessionId: s.id, checkpointType: 'task_completion', conversationHistory: history(10), completedTasks: ['a', 'b', 'c'] });
    if (!r.ok) throw new Error('checkpoint refused');
    const detail = await getCheckpointDetail(t().db, { sessionId: s.id, checkpointId: r.checkpoint.id });
    expect(detail?.diff).toMatchObject({ previous: { sequence: 1, messageCount: 4 }, tasksAdded: ['b', 'c'], tasksRemoved: [], messagesAdded: 6 });
    const added = await listCheckpointMessages(t().db, { checkpointId: r.checkpoint.id, offset: detail!.diff.previous!.messageCount });
    expect(added.messages).toHaveLength(6);
    expect(detail?.checkpoint).not.toHaveProperty('conversationHistory');
    expect(await getCheckpointDetail(t().db, { sessionId: s.id, checkpointId: 'nope' })).toBeNull();
  });

  it('recovery stats: success rate and mean duration by method and by day, failures with errors, keyset history', async () => {
    // No recovery yet in this file's database: only the (empty) overall row.
    expect(await recoveryStatsByMethod(t().db, { days: 30 })).toEqual([expect.objectContaining({ method: 'all', total: 0, successRate: null })]);
    const outcomes: Array<'succeeded' | 'failed'> = ['succeeded', 'succeeded', 'failed'];
    for (const status of outcomes) {
      const { session } = await makePausedSession(t().db);
      await makeCheckpoint(t().db, session.id, 1);
      const started = await startRecovery(t().db, { sessionId: session.id }, engineer());
      if (!started.ok) throw new Error('restore refused');
      await completeRecovery(t().db, { recoveryId: started.recovery.id, status, error: status === 'failed' ? 'tool state lost' : null }, agent);
      await queryRows(t().db, sql`UPDATE checkpoint_recoveries SET recovery_duration_seconds = 4 WHERE id = ${started.recovery.id}`);
    }
    // The stats read the recovery roll-up: nothing until the background job's refresh has folded the rows in.
    expect(await recoveryStatsByMethod(t().db, { days: 30 })).toEqual([expect.objectContaining({ method: 'all', total: 0 })]);
    await refreshRollups(t().db);
    const after = await recoveryStatsByMethod(t().db, { days: 30 });
    const manual = after.find((m) => m.method === 'manual')!;
    expect(manual).toMatchObject({ total: 3, succeeded: 2, failed: 1, meanDurationSeconds: 4 });
    expect(manual.successRate).toBeCloseTo(2 / 3);
    expect(after.find((m) => m.method === 'all')).toMatchObject({ total: 3 });
    const days = await recoveryStatsOverTime(t().db, { days: 7 });
    expect(days).toHaveLength(7);
    expect(days.at(-1)!.methods.find((m) => m.method === 'manual')?.total).toBe(3);
    const failures = await listRecoveryFailures(t().db);
    expect(failures[0]).toMatchObject({ recovery_status: 'failed', error: 'tool state lost' });

    const all = await listRecoveries(t().db, { limit: 500 });
    const paged = [];
    let cursor = null as string | null;
    for (let i = 0; i < 100; i++) {
      const page = await listRecoveries(t().db, { limit: 2, cursor: decodeRecoveryCursor(cursor) });
      paged.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(paged).toEqual(all.rows.map((r) => r.id));
  });

  it('a restore’s recovery carries the session’s project and agent name and the checkpoint’s sequence (drizzle/0019), and the history shows them', async () => {
    const s = await makeSession(t().db, { project: `proj-${randomUUID().slice(0, 8)}`, agentName: 'triager' });
    const first = await makeCheckpoint(t().db, s.id, 1);
    await makeCheckpoint(t().db, s.id, 2);
    const started = await startRecovery(t().db, { sessionId: s.id, checkpointId: first.id }, engineer());
    if (!started.ok) throw new Error('restore refused');
    // Filled by the trigger: startRecovery names none of them.
    expect(started.recovery).toMatchObject({ project: s.project, agentName: 'triager', checkpointSequence: 1 });
    const [row] = (await listRecoveries(t().db, { limit: 500 })).rows.filter((r) => r.id === started.recovery.id);
    expect(row).toEqual({
      id: started.recovery.id,
      session_id: s.id,
      checkpoint_id: first.id,
      project: s.project,
      agent_name: 'triager',
      checkpoint_sequence: 1,
      recovery_method: 'manual',
      recovery_status: 'in_progress',
      started_at: expect.anything(), // a Date or a string, by driver
      started_at_text: expect.any(String),
      completed_at: null,
      recovery_duration_seconds: null,
      initiated_by: 'eve@example.com',
      error: null,
    });
    // A recovery naming no session is refused as a foreign key violation, not as a NULL project.
    const err = await driverError(
      t().db.execute(sql`INSERT INTO checkpoint_recoveries (checkpoint_id, session_id) VALUES (${first.id}, ${randomUUID()})`),
    );
    expect(err.code).toBe('23503');
  });

  it('a session moved to another project or renamed takes its recoveries along; a heartbeat updates none', async () => {
    const moved = await makeSession(t().db, { agentName: 'coder' });
    const other = await makeSession(t().db, { agentName: 'coder' });
    for (const s of [moved, other]) {
      await makeCheckpoint(t().db, s.id, 1);
      const r = await startRecovery(t().db, { sessionId: s.id }, engineer());
      if (!r.ok) throw new Error('restore refused');
      await completeRecovery(t().db, { recoveryId: r.recovery.id, status: 'succeeded' }, agent);
    }
    await startRecovery(t().db, { sessionId: moved.id }, engineer());
    const names = (sessionId: string) =>
      queryRows<{ project: string; agent_name: string }>(
        t().db,
        sql`SELECT project, agent_name FROM checkpoint_recoveries WHERE session_id = ${sessionId} ORDER BY started_at`,
      );
    await t().db.execute(sql`UPDATE agent_sessions SET project = 'moved-project' WHERE id = ${moved.id}`);
    expect(await names(moved.id)).toEqual([
      { project: 'moved-project', agent_name: 'coder' },
      { project: 'moved-project', agent_name: 'coder' },
    ]);
    await t().db.execute(sql`UPDATE agent_sessions SET agent_name = 'renamed' WHERE id = ${moved.id}`);
    expect(await names(moved.id)).toEqual([
      { project: 'moved-project', agent_name: 'renamed' },
      { project: 'moved-project', agent_name: 'renamed' },
    ]);
    expect(await names(other.id)).toEqual([{ project: other.project, agent_name: 'coder' }]);
    const history = (await listRecoveries(t().db, { limit: 500 })).rows.filter((r) => r.session_id === moved.id);
    expect(history.map((r) => [r.project, r.agent_name])).toEqual([
      ['moved-project', 'renamed'],
      ['moved-project', 'renamed'],
    ]);
    await t().db.transaction(async (tx) => {
      const updates = async () =>
        (await queryRows<{ n: number }>(
          tx,
          sql`SELECT n_tup_upd::int AS n FROM pg_stat_xact_user_tables WHERE relname = 'checkpoint_recoveries'`,
        ))[0].n;
      const before = await updates();
      expect((await recordHeartbeats(tx, [{ id: moved.id, currentTask: 'x' }])).ok).toBe(true);
      expect(await updates()).toBe(before);
    });
  });
});

for (const kind of testDbKinds()) {
  describe(`migration 0019 on existing recoveries [${kind}]`, () => {
    let t: TestDatabase | undefined;
    beforeAll(async () => {
      t = await createTestDatabase(kind, { migrations: readMigrations().filter((m) => m.tag < '0019') });
    });
    afterAll(async () => {
      await t?.destroy();
    });

    it('fills project, agent name and checkpoint sequence of every recovery, then holds them NOT NULL', async () => {
      const db = t!.db;
      // A 0018 database: rows inserted as its tables have them.
      const [s] = await queryRows<{ id: string }>(
        db,
        sql`INSERT INTO agent_sessions (project, agent_name, external_id) VALUES ('p-0019', 'planner', ${randomUUID()}) RETURNING id`,
      );
      const checkpoints = await queryRows<{ id: string }>(
        db,
        sql`INSERT INTO session_checkpoints (session_id, sequence, checkpoint_type, conversation_history)
            VALUES (${s.id}, 1, 'periodic', '[]'), (${s.id}, 2, 'periodic', '[]') RETURNING id`,
      );
      for (const c of checkpoints) {
        await db.execute(sql`INSERT INTO checkpoint_recoveries (checkpoint_id, session_id, recovery_status, completed_at)
                             VALUES (${c.id}, ${s.id}, 'succeeded', now())`);
      }
      expect((await migrate(db)).applied).toContain('0019_recovery_denormalised');
      const rows = await queryRows<{ project: string; agent_name: string; checkpoint_sequence: number }>(
        db,
        sql`SELECT project, agent_name, checkpoint_sequence FROM checkpoint_recoveries ORDER BY checkpoint_sequence`,
      );
      expect(rows).toEqual([
        { project: 'p-0019', agent_name: 'planner', checkpoint_sequence: 1 },
        { project: 'p-0019', agent_name: 'planner', checkpoint_sequence: 2 },
      ]);
      const err = await driverError(db.execute(sql`UPDATE checkpoint_recoveries SET project = NULL`));
      expect(err.code).toBe('23502');
      const [view] = await queryRows<{ project: string; checkpoint_sequence: number; checkpoint_type: string }>(
        db,
        sql`SELECT project, checkpoint_sequence, checkpoint_type FROM v_checkpoint_recovery_history LIMIT 1`,
      );
      expect(view).toMatchObject({ project: 'p-0019', checkpoint_type: 'periodic' });
    });
  });
}
