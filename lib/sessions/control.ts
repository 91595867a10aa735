import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { agentSessions, checkpointRecoveries, pausedSessions, sessionCheckpoints } from '@/lib/db/schema';
import { waitForControlChange } from './control-watcher';
import { coalesced } from '@/lib/db/coalesce';
import { isTransaction, livenessCommit, uuidPattern } from './heartbeats';

/**
 * What an agent must do now. Answers are safe to repeat (at-least-once): a restore is answered until the
 * agent completes the recovery; resume/abort decisions are answered once, then the session's own status
 * speaks (running → continue, aborted → abort).
 */
export type ControlDecision =
  | { action: 'continue'; status: string }
  | { action: 'wait'; pausedSessionId: string; reason: string; pauseType: string; pausedAt: string }
  | { action: 'resume'; pausedSessionId: string; note: string | null; resolvedBy: string | null }
  | { action: 'abort'; reason: string; resolvedBy: string | null }
  | {
      action: 'restore';
      recoveryId: string;
      checkpoint: {
        id: string;
        sequence: number;
        checkpointType: string;
        conversationHistory: unknown[];
        currentTaskId: string | null;
        messageCount: number;
        completedTasks: string[];
        metricsSnapshot: Record<string, unknown>;
      };
      modifications: { currentTask?: string; instruction?: string } | null;
    };

export type ControlResult = { ok: true; decision: ControlDecision } | { ok: false; reason: 'not_found' };

/** What a control answer is decided from: the session and its latest pause (read pause-first, see below). */
type ControlState = {
  session: { id: string; status: string; error: string | null };
  latest: {
    id: string;
    resolved: boolean;
    reason: string;
    pauseType: string;
    pausedAt: string;
    resolution: string | null;
    resolutionNote: string | null;
    resolvedBy: string | null;
  } | null;
};

export async function getControlDecision(db: Db, input: { sessionId: string }): Promise<ControlResult> {
  // The latest pause is read BEFORE the session, on purpose. Each resolution (resume → running, abort → aborted,
  // restore → recovering) changes the pause and the session in one transaction, and these are two statements
  // (two snapshots). Read the other way round, a resolution committing between them showed a resolved pause
  // beside the stale `paused` status, which fell through to `continue`: an aborted or restored agent was told
  // to carry on (found by the fault soak). In this order a stale pause only says `wait` and the next poll
  // answers, and a resolved one is always seen with the status its resolution set.
  const [latest] = await db
    .select()
    .from(pausedSessions)
    .where(eq(pausedSessions.sessionId, input.sessionId))
    .orderBy(desc(pausedSessions.pausedAt))
    .limit(1);
  const [s] = await db
    .select({ id: agentSessions.id, status: agentSessions.status, error: agentSessions.error })
    .from(agentSessions)
    .where(eq(agentSessions.id, input.sessionId));
  if (!s) return { ok: false, reason: 'not_found' };
  return decideControl(db, {
    session: s,
    latest: latest ? { ...latest, pausedAt: latest.pausedAt.toISOString() } : null,
  });
}

type TouchedForControl = {
  id: string;
  status: string;
  error: string | null;
  pause_id: string | null;
  resolved: boolean | null;
  reason: string | null;
  pause_type: string | null;
  paused_at: string | null;
  resolution: string | null;
  resolution_note: string | null;
  resolved_by: string | null;
};

/**
 * The sign of life and the latest pause of the sessions asked about in one event-loop turn, in ONE statement
 * (lib/db/coalesce.ts: a fleet's control checks share it), rows locked in id order (no deadlock with overlapping
 * batches), committed without waiting for the disk. Served by the primary key and idx_paused_sessions_session
 * (session_id, paused_at DESC). to_char writes paused_at exactly as Date.toISOString() would (milliseconds, UTC), as
 * getControlDecision answers it. Undefined: no session with this id.
 */
const touchForControl = coalesced<string, TouchedForControl | undefined>(async (db, ids) => {
  const valid = [...new Set(ids.filter((i) => uuidPattern.test(i)))].sort();
  if (!valid.length) return ids.map(() => undefined);
  const rows = await queryRows<TouchedForControl>(
    db,
    sql`WITH locked AS (
          SELECT s.id FROM agent_sessions s WHERE s.id = ANY(${`{${valid.join(',')}}`}::uuid[]) ORDER BY s.id FOR UPDATE OF s
        ), touched AS (
          UPDATE agent_sessions s SET last_heartbeat_at = greatest(s.last_heartbeat_at, now())
            FROM locked l WHERE s.id = l.id
          RETURNING s.id, s.status, s.error
        )
        SELECT t.id::text AS id, t.status, t.error, p.id AS pause_id, p.resolved, p.reason, p.pause_type,
               to_char(p.paused_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS paused_at,
               p.resolution, p.resolution_note, p.resolved_by
          FROM touched t ${livenessCommit(db)}
          LEFT JOIN LATERAL (SELECT * FROM paused_sessions p WHERE p.session_id = t.id
                              ORDER BY p.paused_at DESC LIMIT 1) p ON true`,
    { prepare: true },
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id));
});

/**
 * The agent's control call in ONE statement for the common answers: marks the session alive (moves
 * last_heartbeat_at, as lib/interventions/liveness.ts recordSignOfLife does) and reads its status and latest pause.
 * The pause comes from the statement's snapshot and the status from the row the UPDATE wrote, which is at least as
 * new (READ COMMITTED re-reads a row changed under it), so a resolved pause is never seen beside a stale status —
 * the rule getControlDecision keeps by reading the pause first. `timedOut`: the session sits in an open watchdog
 * `timeout` pause, which the caller resolves ("agent came back") and then asks getControlDecision again.
 */
export async function touchAndGetControlDecision(
  db: Db,
  input: { sessionId: string },
): Promise<{ timedOut: boolean; result: ControlResult }> {
  const row = await touchForControl(db, input.sessionId.toLowerCase(), { inTransaction: isTransaction(db) });
  if (!row) return { timedOut: false, result: { ok: false, reason: 'not_found' } };
  const latest =
    row.pause_id === null
      ? null
      : {
          id: row.pause_id,
          resolved: row.resolved === true,
          reason: row.reason ?? '',
          pauseType: row.pause_type ?? '',
          pausedAt: row.paused_at ?? '',
          resolution: row.resolution,
          resolutionNote: row.resolution_note,
          resolvedBy: row.resolved_by,
        };
  if (row.status === 'paused' && latest && !latest.resolved && latest.pauseType === 'timeout') {
    return { timedOut: true, result: { ok: true, decision: waitOn(latest) } };
  }
  return { timedOut: false, result: await decideControl(db, { session: { id: row.id, status: row.status, error: row.error }, latest }) };
}

function waitOn(latest: NonNullable<ControlState['latest']>): ControlDecision {
  return { action: 'wait', pausedSessionId: latest.id, reason: latest.reason, pauseType: latest.pauseType, pausedAt: latest.pausedAt };
}

async function decideControl(db: Db, { session: s, latest }: ControlState): Promise<ControlResult> {
  if (s.status === 'recovering') {
    const [r] = await db
      .select()
      .from(checkpointRecoveries)
      .where(and(eq(checkpointRecoveries.sessionId, s.id), eq(checkpointRecoveries.recoveryStatus, 'in_progress')));
    if (r) {
      const [c] = await db.select().from(sessionCheckpoints).where(eq(sessionCheckpoints.id, r.checkpointId));
      if (!r.deliveredAt) {
        await db.update(checkpointRecoveries).set({ deliveredAt: sql`now()` }).where(eq(checkpointRecoveries.id, r.id));
      }
      const mods = r.modifications ?? null;
      const history = [...(c.conversationHistory ?? [])];
      if (mods?.instruction) history.push({ role: 'user', content: mods.instruction, source: 'flightdeck' });
      return {
        ok: true,
        decision: {
          action: 'restore',
          recoveryId: r.id,
          checkpoint: {
            id: c.id,
            sequence: c.sequence,
            checkpointType: c.checkpointType,
            conversationHistory: history,
            currentTaskId: mods?.currentTask ?? c.currentTaskId,
            messageCount: history.length,
            completedTasks: c.completedTasks,
            metricsSnapshot: c.metricsSnapshot,
          },
          modifications: mods,
        },
      };
    }
  }

  if (latest && !latest.resolved) return { ok: true, decision: waitOn(latest) };
  if (s.status === 'aborted') {
    return {
      ok: true,
      decision: {
        action: 'abort',
        reason: latest?.resolution === 'aborted' ? (latest.resolutionNote ?? 'Aborted by operator') : (s.error ?? 'Session aborted'),
        resolvedBy: latest?.resolution === 'aborted' ? latest.resolvedBy : null,
      },
    };
  }
  if (latest?.resolution === 'resumed' && s.status === 'running') {
    // Claim the delivery so that exactly one answer says "resume"; later polls say "continue".
    const claimed = await db
      .update(pausedSessions)
      .set({ decisionDeliveredAt: sql`now()` })
      .where(and(eq(pausedSessions.id, latest.id), isNull(pausedSessions.decisionDeliveredAt)))
      .returning({ id: pausedSessions.id });
    if (claimed.length) {
      return {
        ok: true,
        decision: { action: 'resume', pausedSessionId: latest.id, note: latest.resolutionNote, resolvedBy: latest.resolvedBy },
      };
    }
  }
  return { ok: true, decision: { action: 'continue', status: s.status } };
}

/**
 * Long-poll: while the answer is `wait`, wait for a decision up to `waitSeconds` (≤ `maxSeconds`, 30 for the HTTP
 * API; MCP's request_human_decision allows MAX_MCP_WAIT_S). The wait itself holds no database connection: the
 * instance's one watcher (./control-watcher.ts) checks all held polls in one statement per second, so decisions
 * made on other instances arrive within about a second, and an in-process signal wakes the poll at once.
 * `first`: an answer the caller has just read (touchAndGetControlDecision), so the first round reads nothing.
 */
export async function waitForControlDecision(
  db: Db,
  input: { sessionId: string; waitSeconds: number; maxSeconds?: number; signal?: AbortSignal; first?: ControlResult },
): Promise<ControlResult> {
  const deadline = Date.now() + Math.min(Math.max(input.waitSeconds, 0), input.maxSeconds ?? 30) * 1000;
  let first = input.first;
  for (;;) {
    const result = first ?? (await getControlDecision(db, { sessionId: input.sessionId }));
    first = undefined;
    if (!result.ok || result.decision.action !== 'wait') return result;
    const left = deadline - Date.now();
    if (left <= 0 || input.signal?.aborted) return result;
    await waitForControlChange(db, { sessionId: input.sessionId, ms: left, signal: input.signal });
  }
}
