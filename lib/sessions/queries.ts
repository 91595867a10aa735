import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { agentSessions, executionEvents, sessionCheckpoints, type SessionStatus } from '@/lib/db/schema';

/**
 * Cursors carry timestamps as Postgres text (microseconds): a JS Date keeps only milliseconds, and rows
 * created within the same millisecond would otherwise be skipped between pages.
 */
export type SessionCursor = { startedAt: string; id: string };

export function encodeCursor(c: SessionCursor) {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string | undefined | null): SessionCursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return typeof c.startedAt === 'string' && typeof c.id === 'string' && isUuid(c.id) && !Number.isNaN(Date.parse(c.startedAt))
      ? c
      : null;
  } catch {
    return null;
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string) {
  return uuidPattern.test(s);
}

export type ListSessionsInput = {
  status?: SessionStatus;
  project?: string;
  agentName?: string;
  /** Exact match on session id, external id, or the correlation id of one of its events. */
  search?: string;
  cursor?: SessionCursor | null;
  limit?: number;
};

/**
 * Sessions list, newest first, keyset-paginated on (started_at, id) (idx_agent_sessions_started). Search is
 * exact so every branch is an index lookup: idx_agent_sessions_external_id, idx_execution_events_correlation
 * and the primary key. Counts are per-row subqueries on the (session_id, …) indexes (the outer column is spelled out:
 * Drizzle renders a lone column unqualified, which would bind to the subquery's own table): 50 rows
 * cost 100 index probes, cheaper than grouping whole tables.
 */
export async function listSessions(db: Db, input: ListSessionsInput = {}) {
  const limit = input.limit ?? 50;
  const where: SQL[] = [];
  if (input.status) where.push(eq(agentSessions.status, input.status));
  if (input.project) where.push(eq(agentSessions.project, input.project));
  if (input.agentName) where.push(eq(agentSessions.agentName, input.agentName));
  const q = input.search?.trim();
  if (q) {
    // One IN over a UNION of index lookups: an OR across the branches would make Postgres scan agent_sessions.
    where.push(sql`${agentSessions.id} IN (
      SELECT s.id FROM agent_sessions s WHERE s.external_id = ${q}
      UNION ALL
      SELECT e.aggregate_id::uuid FROM ${executionEvents} e
       WHERE (e.metadata->>'correlation_id') = ${q} AND e.aggregate_type = 'session'
      ${isUuid(q) ? sql`UNION ALL SELECT ${q}::uuid` : sql``})`);
  }
  if (input.cursor) {
    const at = sql`${input.cursor.startedAt}::timestamptz`;
    where.push(sql`(${agentSessions.startedAt}, ${agentSessions.id}) < (${at}, ${input.cursor.id}::uuid)`);
  }
  const rows = await db
    .select({
      id: agentSessions.id,
      project: agentSessions.project,
      agentName: agentSessions.agentName,
      externalId: agentSessions.externalId,
      status: agentSessions.status,
      currentTask: agentSessions.currentTask,
      startedAt: agentSessions.startedAt,
      startedAtText: sql<string>`${agentSessions.startedAt}::text`,
      endedAt: agentSessions.endedAt,
      lastHeartbeatAt: agentSessions.lastHeartbeatAt,
      heartbeatAgeS: sql<number>`extract(epoch from now() - ${agentSessions.lastHeartbeatAt})::int`.mapWith(Number),
      checkpointCount: sql<number>`(SELECT count(*) FROM session_checkpoints c WHERE c.session_id = agent_sessions.id)::int`.mapWith(Number),
      pauseCount: sql<number>`(SELECT count(*) FROM paused_sessions p WHERE p.session_id = agent_sessions.id)::int`.mapWith(Number),
    })
    .from(agentSessions)
    .where(where.length ? and(...where) : undefined)
    // NULLS LAST to match the index exactly (Drizzle creates DESC indexes as DESC NULLS LAST; a plain DESC
    // means NULLS FIRST and makes Postgres sort the whole table instead of reading 51 index entries).
    .orderBy(sql`${agentSessions.startedAt} DESC NULLS LAST`, sql`${agentSessions.id} DESC NULLS LAST`)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor({ startedAt: last.startedAtText, id: last.id }) : null,
  };
}

export type SessionListRow = Awaited<ReturnType<typeof listSessions>>['rows'][number];

/** Whether a session's heartbeat is overdue: only live sessions are expected to beat. */
export function isHeartbeatStale(s: { status: string; heartbeatAgeS: number }, staleAfterS: number) {
  return (s.status === 'running' || s.status === 'recovering') && s.heartbeatAgeS > staleAfterS;
}

export async function getSession(db: Db, input: { id: string }) {
  if (!isUuid(input.id)) return null;
  const [s] = await db
    .select({
      session: agentSessions,
      heartbeatAgeS: sql<number>`extract(epoch from now() - ${agentSessions.lastHeartbeatAt})::int`.mapWith(Number),
    })
    .from(agentSessions)
    .where(eq(agentSessions.id, input.id));
  return s ? { ...s.session, heartbeatAgeS: s.heartbeatAgeS } : null;
}

/** Counts and the latest checkpoint's metrics for the session header; all index lookups on session_id. */
export async function getSessionSummary(db: Db, input: { sessionId: string }) {
  const [row] = await queryRows<{
    checkpoint_count: number;
    valid_checkpoint_count: number;
    pause_count: number;
    open_pause_id: string | null;
    recovery_in_progress_id: string | null;
    recovery_in_progress_by: string | null;
  }>(
    db,
    sql`SELECT
          (SELECT count(*) FROM session_checkpoints c WHERE c.session_id = ${input.sessionId}::uuid)::int AS checkpoint_count,
          (SELECT count(*) FROM session_checkpoints c WHERE c.session_id = ${input.sessionId}::uuid AND c.is_valid)::int AS valid_checkpoint_count,
          (SELECT count(*) FROM paused_sessions p WHERE p.session_id = ${input.sessionId}::uuid)::int AS pause_count,
          (SELECT p.id FROM paused_sessions p WHERE p.session_id = ${input.sessionId}::uuid AND NOT p.resolved) AS open_pause_id,
          (SELECT r.id FROM checkpoint_recoveries r WHERE r.session_id = ${input.sessionId}::uuid AND r.recovery_status = 'in_progress') AS recovery_in_progress_id,
          (SELECT r.initiated_by FROM checkpoint_recoveries r WHERE r.session_id = ${input.sessionId}::uuid AND r.recovery_status = 'in_progress') AS recovery_in_progress_by`,
  );
  const [latest] = await db
    .select({
      id: sessionCheckpoints.id,
      sequence: sessionCheckpoints.sequence,
      currentTaskId: sessionCheckpoints.currentTaskId,
      messageCount: sessionCheckpoints.messageCount,
      completedTasks: sessionCheckpoints.completedTasks,
      metricsSnapshot: sessionCheckpoints.metricsSnapshot,
      createdAt: sessionCheckpoints.createdAt,
    })
    .from(sessionCheckpoints)
    .where(eq(sessionCheckpoints.sessionId, input.sessionId))
    .orderBy(desc(sessionCheckpoints.sequence))
    .limit(1);
  return {
    checkpointCount: row.checkpoint_count,
    validCheckpointCount: row.valid_checkpoint_count,
    pauseCount: row.pause_count,
    openPauseId: row.open_pause_id,
    recoveryInProgress: row.recovery_in_progress_id ? { id: row.recovery_in_progress_id, initiatedBy: row.recovery_in_progress_by } : null,
    latestCheckpoint: latest ?? null,
  };
}
