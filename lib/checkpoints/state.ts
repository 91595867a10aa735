import { asc, eq, getTableColumns } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agentSessions, sessionCheckpoints } from '@/lib/db/schema';

/**
 * Reads for the agent API: a session's checkpoints without their (large) history (null when there is no such
 * session), and one full state.
 */
export async function listSessionCheckpoints(db: Db, input: { sessionId: string; limit?: number }) {
  const [session] = await db.select({ id: agentSessions.id }).from(agentSessions).where(eq(agentSessions.id, input.sessionId));
  if (!session) return null;
  const { conversationHistory, ...summary } = getTableColumns(sessionCheckpoints);
  void conversationHistory;
  return db
    .select(summary)
    .from(sessionCheckpoints)
    .where(eq(sessionCheckpoints.sessionId, input.sessionId))
    .orderBy(asc(sessionCheckpoints.sequence))
    .limit(input.limit ?? 1000);
}

export async function getCheckpointState(db: Db, input: { checkpointId: string }) {
  const [c] = await db.select().from(sessionCheckpoints).where(eq(sessionCheckpoints.id, input.checkpointId));
  return c ?? null;
}
