import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { startRecovery, completeRecovery } from '@/lib/checkpoints/recovery';
import { queryRows } from '@/lib/db/client';
import { agentSessions } from '@/lib/db/schema';
import { appendEvent } from '@/lib/events/append';
import { describeEachDb } from '@/lib/test/db';
import { agent, engineer, makeCheckpoint, makePausedSession, makeSession } from '@/lib/test/factories';
import { decodeCursor, getSessionSummary, listSessions } from './queries';
import { decodeTimelineCursor, listSessionTimeline, type TimelineItem } from './timeline';

async function allPages(db: Parameters<typeof listSessionTimeline>[0], sessionId: string, limit: number) {
  const out: TimelineItem[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = await listSessionTimeline(db, { sessionId, limit, cursor: decodeTimelineCursor(cursor) });
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

describeEachDb('sessions queries', (t) => {
  it('the timeline merges checkpoints, events, pauses, actions and recoveries newest first', async () => {
    const { session } = await makePausedSession(t().db);
    const cp = await makeCheckpoint(t().db, session.id, 1);
    const started = await startRecovery(t().db, { sessionId: session.id, checkpointId: cp.id }, engineer('ann'));
    if (!started.ok) throw new Error('restore refused');
    await completeRecovery(t().db, { recoveryId: started.recovery.id, status: 'succeeded' }, agent);
    // Spread the rows over known, distinct times so the expected order is unambiguous.
    const at = (m: number) => new Date(Date.UTC(2030, 0, 1, 0, m)).toISOString();
    await queryRows(t().db, sql`UPDATE execution_events SET created_at = ${at(0)}::timestamptz WHERE aggregate_id = ${session.id} AND event_type = 'session_started'`);
    await queryRows(t().db, sql`UPDATE paused_sessions SET paused_at = ${at(1)}::timestamptz, resolved_at = ${at(3)}::timestamptz WHERE session_id = ${session.id}`);
    await queryRows(t().db, sql`UPDATE session_checkpoints SET created_at = ${at(2)}::timestamptz WHERE session_id = ${session.id}`);
    await queryRows(t().db, sql`UPDATE intervention_actions SET created_at = ${at(3)}::timestamptz WHERE session_id = ${session.id}`);
    await queryRows(t().db, sql`UPDATE checkpoint_recoveries SET started_at = ${at(4)}::timestamptz, completed_at = ${at(5)}::timestamptz WHERE session_id = ${session.id}`);
    await queryRows(t().db, sql`UPDATE execution_events SET created_at = ${at(5)}::timestamptz WHERE aggregate_id = ${session.id} AND event_type = 'recovery_succeeded'`);

    const { items, nextCursor } = await listSessionTimeline(t().db, { sessionId: session.id, limit: 50 });
    expect(nextCursor).toBeNull();
    expect(items.map((i) => `${i.kind}:${i.label}`)).toEqual([
      'event:recovery_succeeded',
      'recovery:succeeded',
      'action:restored',
      'checkpoint:task_completion',
      'pause:retry_limit',
      'event:session_started',
    ]);
    expect(items[1].data).toMatchObject({ sequence: 1, initiatedBy: 'ann@example.com', method: 'manual' });
    expect(items[3].data).toMatchObject({ id: cp.id, messageCount: 2 });
    expect(items[3].data).not.toHaveProperty('conversationHistory');
  });

  it('timeline pages of any size, across ties on the same instant, return every item once in order', async () => {
    const s = await makeSession(t().db);
    for (let i = 0; i < 7; i++) {
      await appendEvent(t().db, { eventType: `tool_call_${i}`, aggregateType: 'session', aggregateId: s.id, metadata: { i } });
    }
    for (let n = 1; n <= 3; n++) await makeCheckpoint(t().db, s.id, n);
    // Everything at one instant: the order rests on the (kind, key) tie-break alone.
    const tie = '2030-02-01T00:00:00.123456Z';
    await queryRows(t().db, sql`UPDATE execution_events SET created_at = ${tie}::timestamptz WHERE aggregate_id = ${s.id}`);
    await queryRows(t().db, sql`UPDATE session_checkpoints SET created_at = ${tie}::timestamptz WHERE session_id = ${s.id}`);
    const whole = await allPages(t().db, s.id, 500);
    expect(whole).toHaveLength(1 + 7 + 3);
    for (const size of [1, 2, 3, 4]) {
      const paged = await allPages(t().db, s.id, size);
      expect(paged.map((i) => `${i.kind}:${i.key}`)).toEqual(whole.map((i) => `${i.kind}:${i.key}`));
    }
    // Events among themselves: newest (highest id) first.
    const tools = whole.filter((i) => i.label.startsWith('tool_call_')).map((i) => i.label);
    expect(tools).toEqual(Array.from({ length: 7 }, (_, i) => `tool_call_${6 - i}`));
  });

  it('lists sessions with counts, filters, and exact search by id, external id and correlation id', async () => {
    const project = `search-${Date.now()}`;
    const a = await makeSession(t().db, { project, agentName: 'planner' });
    const b = await makeSession(t().db, { project, agentName: 'coder' });
    await makeCheckpoint(t().db, a.id, 1);
    await makeCheckpoint(t().db, a.id, 2);
    await appendEvent(t().db, { eventType: 'tool_call', aggregateType: 'session', aggregateId: b.id, metadata: { correlation_id: `corr-${project}` } });

    const byProject = await listSessions(t().db, { project });
    expect(byProject.rows.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(byProject.rows.find((r) => r.id === a.id)).toMatchObject({ checkpointCount: 2, pauseCount: 0 });
    expect((await listSessions(t().db, { project, agentName: 'planner' })).rows.map((r) => r.id)).toEqual([a.id]);
    expect((await listSessions(t().db, { search: a.id })).rows.map((r) => r.id)).toEqual([a.id]);
    expect((await listSessions(t().db, { search: b.externalId! })).rows.map((r) => r.id)).toEqual([b.id]);
    expect((await listSessions(t().db, { search: `corr-${project}` })).rows.map((r) => r.id)).toEqual([b.id]);
    expect((await listSessions(t().db, { search: 'no-such-thing' })).rows).toEqual([]);
  });

  it('session keyset pages do not skip sessions started within the same millisecond', async () => {
    const project = `keyset-${Date.now()}`;
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await makeSession(t().db, { project })).id);
    // Microseconds apart: a millisecond cursor would lose the rows between.
    for (const [i, id] of ids.entries()) {
      await t().db.update(agentSessions).set({ startedAt: sql`'2030-03-01T00:00:00.001000Z'::timestamptz + make_interval(secs => ${i} * 0.000001)` }).where(eq(agentSessions.id, id));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: Awaited<ReturnType<typeof listSessions>> = await listSessions(t().db, { project, limit: 2, cursor: decodeCursor(cursor) });
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('the session summary carries the latest checkpoint metrics and a recovery in progress', async () => {
    const { session } = await makePausedSession(t().db);
    await makeCheckpoint(t().db, session.id, 1);
    const started = await startRecovery(t().db, { sessionId: session.id }, engineer('bob'));
    if (!started.ok) throw new Error('restore refused');
    const summary = await getSessionSummary(t().db, { sessionId: session.id });
    expect(summary).toMatchObject({
      checkpointCount: 1,
      pauseCount: 1,
      openPauseId: null,
      recoveryInProgress: { id: started.recovery.id, initiatedBy: 'bob@example.com' },
      latestCheckpoint: { sequence: 1, currentTaskId: 'task-1' },
    });
  });
});
