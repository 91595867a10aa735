import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { agentSessions, userToolHistory } from '@/lib/db/schema';

export type IngestToolExecution = {
  executionId?: string;
  userId: string;
  toolName: string;
  success: boolean;
  executionTimeMs?: number;
  errorMessage?: string | null;
  sessionId?: string | null;
  context?: Record<string, unknown>;
  userSatisfaction?: number | null;
  createdAt?: string;
};

export type IngestToolsResult =
  | { ok: true; received: number; inserted: number; duplicates: number }
  | { ok: false; reason: 'unknown_session'; indexes: number[] };

/**
 * Tool executions, one multi-row INSERT per batch; the client execution id is the natural key (ON CONFLICT DO
 * NOTHING). Sessions named by the batch are checked first so an unknown one is a 422 naming the item, not a
 * foreign-key failure of the whole statement.
 */
export async function ingestToolExecutions(db: Db, input: { executions: IngestToolExecution[] }): Promise<IngestToolsResult> {
  const items = input.executions;
  const sessionIds = [...new Set(items.map((e) => e.sessionId?.toLowerCase()).filter((s): s is string => Boolean(s)))];
  if (sessionIds.length) {
    const found = await db.select({ id: agentSessions.id }).from(agentSessions).where(inArray(agentSessions.id, sessionIds));
    const known = new Set(found.map((f) => f.id));
    const indexes = items.flatMap((e, i) => (e.sessionId && !known.has(e.sessionId.toLowerCase()) ? [i] : []));
    if (indexes.length) return { ok: false, reason: 'unknown_session', indexes };
  }
  const rows = items.map((e) => ({
    executionId: e.executionId?.toLowerCase() ?? randomUUID(),
    userId: e.userId,
    toolName: e.toolName,
    success: e.success,
    executionTimeMs: e.executionTimeMs ?? 0,
    errorMessage: e.errorMessage ?? null,
    sessionId: e.sessionId?.toLowerCase() ?? null,
    context: e.context ?? {},
    userSatisfaction: e.userSatisfaction ?? null,
    ...(e.createdAt ? { createdAt: new Date(e.createdAt) } : {}),
  }));
  const inserted = await db
    .insert(userToolHistory)
    .values(rows)
    .onConflictDoNothing({ target: userToolHistory.executionId })
    .returning({ id: userToolHistory.id });
  return { ok: true, received: rows.length, inserted: inserted.length, duplicates: rows.length - inserted.length };
}

export async function rateToolExecution(
  db: Db,
  input: { executionId: string; userSatisfaction: number },
): Promise<{ ok: true; executionId: string; userSatisfaction: number } | { ok: false; reason: 'not_found' }> {
  const rows = await db
    .update(userToolHistory)
    .set({ userSatisfaction: input.userSatisfaction })
    .where(eq(userToolHistory.executionId, input.executionId))
    .returning({ executionId: userToolHistory.executionId, userSatisfaction: userToolHistory.userSatisfaction });
  if (!rows.length) return { ok: false, reason: 'not_found' };
  return { ok: true, executionId: rows[0].executionId, userSatisfaction: rows[0].userSatisfaction ?? input.userSatisfaction };
}
