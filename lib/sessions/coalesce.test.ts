import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { coalesced } from '@/lib/db/coalesce';
import type { Db } from '@/lib/db/client';
import { agentSessions, pausedSessions } from '@/lib/db/schema';
import { recordSignOfLife } from '@/lib/interventions/liveness';
import { recordStatements } from '@/lib/observability/instrument';
import { describeEachDb } from '@/lib/test/db';
import { agent, makePausedSession, makeSession } from '@/lib/test/factories';
import { touchAndGetControlDecision } from './control';

vi.mock('server-only', () => ({}));

const updates = (statements: { text: string }[]) => statements.filter((s) => /UPDATE agent_sessions/i.test(s.text)).length;

/** A fleet's heartbeats and control checks of one event-loop turn share one statement (lib/db/coalesce.ts). */
describeEachDb('coalesced heartbeats and control checks', (t) => {
  it('twenty agents heart-beating at once: one statement, each gets its own answer, an unknown id gets none', async () => {
    const sessions = await Promise.all(Array.from({ length: 20 }, () => makeSession(t().db)));
    const unknown = randomUUID();
    const { result, statements } = await recordStatements(() =>
      Promise.all([...sessions.map((s) => s.id), unknown].map((id, i) => recordSignOfLife(t().db, { sessionIds: [id], currentTask: `task ${i}`, asyncCommit: true }, agent))),
    );
    expect(updates(statements)).toBe(1);
    result.slice(0, 20).forEach((m, i) => expect(m.get(sessions[i].id)).toBe('running'));
    expect(result[20].size).toBe(0);
    const [row] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, sessions[7].id));
    expect(row.currentTask).toBe('task 7');
  });

  it('one session beating twice in a turn: the later task wins, a beat without a task keeps it', async () => {
    const s = await makeSession(t().db);
    await Promise.all([
      recordSignOfLife(t().db, { sessionIds: [s.id], currentTask: 'first', asyncCommit: true }, agent),
      recordSignOfLife(t().db, { sessionIds: [s.id], currentTask: 'second', asyncCommit: true }, agent),
      recordSignOfLife(t().db, { sessionIds: [s.id.toUpperCase()], asyncCommit: true }, agent),
    ]);
    const [row] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, s.id));
    expect(row.currentTask).toBe('second');
  });

  it('an agent back from a watchdog timeout in a shared statement resumes its pause', async () => {
    const { session, pause } = await makePausedSession(t().db, 'timeout');
    const other = await makeSession(t().db);
    const [back] = await Promise.all([
      recordSignOfLife(t().db, { sessionIds: [session.id], asyncCommit: true }, agent),
      recordSignOfLife(t().db, { sessionIds: [other.id], asyncCommit: true }, agent),
    ]);
    expect(back.get(session.id)).toBe('running');
    const [p] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, pause.id));
    expect(p).toMatchObject({ resolved: true, resolution: 'resumed', resolutionNote: 'agent came back' });
  });

  it('ten control checks at once: one statement, each its own decision', async () => {
    const running = await Promise.all(Array.from({ length: 9 }, () => makeSession(t().db)));
    const { session: paused } = await makePausedSession(t().db, 'blocker');
    const { result, statements } = await recordStatements(() =>
      Promise.all([...running.map((s) => s.id), paused.id, randomUUID()].map((id) => touchAndGetControlDecision(t().db, { sessionId: id }))),
    );
    expect(updates(statements)).toBe(1);
    for (const r of result.slice(0, 9)) expect(r.result).toMatchObject({ ok: true, decision: { action: 'continue' } });
    expect(result[9].result).toMatchObject({ ok: true, decision: { action: 'wait', pauseType: 'blocker' } });
    expect(result[10].result).toEqual({ ok: false, reason: 'not_found' });
  });
});

describe('coalesced()', () => {
  const db = {} as Db;
  it('calls of one turn run together; a failure rejects that group only; groups are at most `max`', async () => {
    const groups: number[][] = [];
    const run = coalesced<number, number>(
      async (_db, inputs) => {
        groups.push(inputs);
        if (inputs.includes(-1)) throw new Error('boom');
        return inputs.map((x) => x * 2);
      },
      { max: 3 },
    );
    const ok = await Promise.all([1, 2, 3, 4, 5].map((x) => run(db, x)));
    expect(ok).toEqual([2, 4, 6, 8, 10]);
    expect(groups).toEqual([[1, 2, 3], [4, 5]]);
    const failing = [run(db, -1), run(db, 7)];
    await expect(failing[0]).rejects.toThrow('boom');
    await expect(failing[1]).rejects.toThrow('boom');
    expect(await run(db, 8)).toBe(16);
  });
});
