import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { agentSessions, executionEvents, sessionCheckpoints, type SessionStatus } from '@/lib/db/schema';

export type SessionCursor = { startedAt: string; id: string };

export function encodeCursor(c: SessionCursor) {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string | undefined | null): SessionCursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return typeof c.startedAt === 'string' && typeof c.id === 'string' ? c : null;
  } catch {
    return null;
  }
}

/** Newest first, keyset-paginated on (started_at, id) (idx_agent_sessions_started). */
export async function listSessions(
  db: Db,
  input: { status?: SessionStatus; project?: string; cursor?: SessionCursor | null; limit?: number } = {},
) {
  const limit = input.limit ?? 50;
  const where: SQL[] = [];
  if (input.status) where.push(eq(agentSessions.status, input.status));
  if (input.project) where.push(eq(agentSessions.project, input.project));
  if (input.cursor) {
    const at = new Date(input.cursor.startedAt);
    where.push(or(lt(agentSessions.startedAt, at), and(eq(agentSessions.startedAt, at), lt(agentSessions.id, input.cursor.id)))!);
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
      endedAt: agentSessions.endedAt,
      lastHeartbeatAt: agentSessions.lastHeartbeatAt,
      heartbeatAgeS: sql<number>`extract(epoch from now() - ${agentSessions.lastHeartbeatAt})::int`.mapWith(Number),
    })
    .from(agentSessions)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(agentSessions.startedAt), desc(agentSessions.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor({ startedAt: last.startedAt.toISOString(), id: last.id }) : null,
  };
}

export async function getSession(db: Db, input: { id: string }) {
  if (!/^[0-9a-f-]{36}$/i.test(input.id)) return null;
  const [s] = await db.select().from(agentSessions).where(eq(agentSessions.id, input.id));
  return s ?? null;
}

export async function listSessionEvents(db: Db, input: { sessionId: string; limit?: number }) {
  return db
    .select()
    .from(executionEvents)
    .where(and(eq(executionEvents.aggregateType, 'session'), eq(executionEvents.aggregateId, input.sessionId)))
    .orderBy(desc(executionEvents.createdAt), desc(executionEvents.id))
    .limit(input.limit ?? 200);
}

export async function listSessionCheckpoints(db: Db, input: { sessionId: string; limit?: number }) {
  return db
    .select({
      id: sessionCheckpoints.id,
      sequence: sessionCheckpoints.sequence,
      checkpointType: sessionCheckpoints.checkpointType,
      currentTaskId: sessionCheckpoints.currentTaskId,
      messageCount: sessionCheckpoints.messageCount,
      sizeBytes: sessionCheckpoints.sizeBytes,
      isValid: sessionCheckpoints.isValid,
      invalidationReason: sessionCheckpoints.invalidationReason,
      createdAt: sessionCheckpoints.createdAt,
    })
    .from(sessionCheckpoints)
    .where(eq(sessionCheckpoints.sessionId, input.sessionId))
    .orderBy(desc(sessionCheckpoints.sequence))
    .limit(input.limit ?? 200);
}

export async function countSessionsByStatus(db: Db) {
  return queryRows<{ status: string; n: number }>(
    db,
    sql`SELECT status, count(*)::int AS n FROM agent_sessions GROUP BY status ORDER BY status`,
  );
}
