import { and, eq, sql } from 'drizzle-orm';
import { actorLabel, type Actor } from '@/lib/auth/actor';
import { queryRows, type Db } from '@/lib/db/client';
import { agentSessions, pausedSessions, type AgentSession } from '@/lib/db/schema';
import { heartbeatOne, isTransaction, livenessCommit, signOfLifeUpdate, type TouchedSession } from '@/lib/sessions/heartbeats';
import { appendEvent } from '@/lib/events/append';
import { signalSession } from '@/lib/events/bus';
import { auditPause, resolvePauseInTx } from './commands';

export const CAME_BACK_NOTE = 'agent came back';

/**
 * A sign of life from an agent: its heartbeat or any agent API call about the session (control, checkpoints, pause,
 * usage, tool executions naming it). Moves `last_heartbeat_at`, which the heartbeat watchdog reads
 * (lib/interventions/watchdog.ts), and, when the session sits in a `timeout` pause nobody has decided yet, resolves that
 * pause itself: resolution `resumed`, by the agent, note "agent came back". Returns each known session's status
 * after that (unknown ids are absent).
 */
export async function recordSignOfLife(
  db: Db,
  input: { sessionIds: string[]; currentTask?: string | null; asyncCommit?: boolean },
  actor: Actor,
): Promise<Map<string, AgentSession['status']>> {
  const ids = [...new Set(input.sessionIds.map((i) => i.toLowerCase()))];
  if (!ids.length) return new Map();
  // `asyncCommit` (a heartbeat and nothing else): commits without waiting for the disk (livenessCommit). One
  // heartbeat goes with the others of this event-loop turn in one statement (heartbeatOne, lib/db/coalesce.ts);
  // otherwise one prepared statement, parsed and planned once per connection.
  if (input.asyncCommit && ids.length === 1) {
    const row = await heartbeatOne(db, { id: ids[0], currentTask: input.currentTask }, { inTransaction: isTransaction(db) });
    return resumeTimedOutSessions(db, row ? [row] : [], actor);
  }
  const update = signOfLifeUpdate({ ids, currentTask: input.currentTask });
  const statement = input.asyncCommit
    ? sql`WITH touched AS (${update}) SELECT touched.id, touched.status, touched.timed_out FROM touched ${livenessCommit(db)}`
    : update;
  const rows = await queryRows<TouchedSession>(db, statement, { prepare: true });
  return resumeTimedOutSessions(db, rows, actor);
}

/**
 * After a sign of life (signOfLifeUpdate, alone or inside another statement): resolves the open `timeout` pause of
 * each session that had one ("agent came back"). Returns each session's status after that.
 */
export async function resumeTimedOutSessions(db: Db, rows: TouchedSession[], actor: Actor): Promise<Map<string, AgentSession['status']>> {
  const out = new Map<string, AgentSession['status']>();
  for (const r of rows) {
    out.set(r.id, r.status);
    if (r.timed_out && (await resumeReturnedAgent(db, { sessionId: r.id }, actor)).ok) out.set(r.id, 'running');
  }
  return out;
}

export type ReturnResult = { ok: true; pausedSessionId: string } | { ok: false; reason: 'no_timeout_pause' };

/**
 * Closes the session's open `timeout` pause because its agent is back. Same race-safe shape as a person's resume
 * (lock the open pause, re-check it is still open): a person deciding in the same instant wins or loses cleanly.
 */
export async function resumeReturnedAgent(db: Db, input: { sessionId: string }, actor: Actor): Promise<ReturnResult> {
  const result = await db.transaction(async (tx): Promise<ReturnResult> => {
    // The session row first, then the pause: the order every pause decision takes (no deadlock with a restore).
    await tx.select({ id: agentSessions.id }).from(agentSessions).where(eq(agentSessions.id, input.sessionId)).for('update');
    const [open] = await tx
      .select()
      .from(pausedSessions)
      .where(and(eq(pausedSessions.sessionId, input.sessionId), eq(pausedSessions.resolved, false), eq(pausedSessions.pauseType, 'timeout')))
      .for('update');
    // Re-read under the lock: a person's decision committed while we waited shows as resolved (READ COMMITTED).
    if (!open || open.resolved) return { ok: false, reason: 'no_timeout_pause' };
    const pause = await resolvePauseInTx(tx, { pause: open, resolution: 'resumed', note: CAME_BACK_NOTE }, actor);
    await tx.update(agentSessions).set({ status: 'running' }).where(eq(agentSessions.id, pause.sessionId));
    await appendEvent(tx, {
      eventType: 'session_resumed',
      aggregateType: 'session',
      aggregateId: pause.sessionId,
      metadata: { status: 'running', actor_id: actorLabel(actor), paused_session_id: pause.id, note: CAME_BACK_NOTE },
    });
    await auditPause(tx, actor, 'resume', pause, { note: CAME_BACK_NOTE, automatic: true });
    return { ok: true, pausedSessionId: pause.id };
  });
  if (result.ok) signalSession(input.sessionId);
  return result;
}
