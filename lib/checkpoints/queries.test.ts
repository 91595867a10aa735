import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/lib/db/client';
import { describeEachDb } from '@/lib/test/db';
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
});
