import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { userToolHistory } from '@/lib/db/schema';

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
 * Tool executions in one statement (one round trip, whatever the batch size): the batch travels as one jsonb
 * parameter; sessions it names are checked in the same statement so an unknown one is a 422 naming the item
 * (nothing inserted), not a foreign-key failure; the client execution id is the natural key (ON CONFLICT DO
 * NOTHING), so a replay is applied once. A session deleted between check and insert still fails the foreign
 * key, which the API maps to 422.
 */
export async function ingestToolExecutions(db: Db, input: { executions: IngestToolExecution[] }): Promise<IngestToolsResult> {
  const rows = input.executions.map((e, i) => ({
    i,
    execution_id: e.executionId?.toLowerCase() ?? randomUUID(),
    user_id: e.userId,
    tool_name: e.toolName,
    success: e.success,
    execution_time_ms: e.executionTimeMs ?? 0,
    error_message: e.errorMessage ?? null,
    session_id: e.sessionId?.toLowerCase() ?? null,
    context: e.context ?? {},
    user_satisfaction: e.userSatisfaction ?? null,
    created_at: e.createdAt ?? null,
  }));
  const [r] = await queryRows<{ missing: number[] | null; inserted: number }>(
    db,
    sql`WITH input AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
            i int, execution_id uuid, user_id text, tool_name text, success boolean, execution_time_ms int,
            error_message text, session_id uuid, context jsonb, user_satisfaction smallint, created_at timestamptz)
        ), missing AS (
          SELECT i FROM input
          WHERE session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agent_sessions s WHERE s.id = input.session_id)
        ), ins AS (
          INSERT INTO user_tool_history (execution_id, user_id, tool_name, success, execution_time_ms, error_message,
                                         session_id, context, user_satisfaction, created_at)
          SELECT execution_id, user_id, tool_name, success, execution_time_ms, error_message, session_id, context,
                 user_satisfaction, coalesce(created_at, now())
          FROM input
          WHERE NOT EXISTS (SELECT 1 FROM missing)
          ORDER BY i
          ON CONFLICT (execution_id) DO NOTHING
          RETURNING 1
        )
        SELECT (SELECT jsonb_agg(i ORDER BY i) FROM missing) AS missing, (SELECT count(*) FROM ins)::int AS inserted`,
  );
  if (r.missing?.length) return { ok: false, reason: 'unknown_session', indexes: r.missing.map(Number) };
  const inserted = Number(r.inserted);
  return { ok: true, received: rows.length, inserted, duplicates: rows.length - inserted };
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
