import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { userToolHistory } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { env } from '@/lib/env';
import { signOfLifeUpdate, type TouchedSession } from '@/lib/sessions/heartbeats';

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

/** The batch as fd_ingest_tool_executions reads it (drizzle/0004): one jsonb array, item order kept in `i`. */
function toRows(executions: IngestToolExecution[]) {
  return executions.map((e, i) => ({
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
}

/**
 * Tool executions in one prepared statement (one round trip, whatever the batch size: the text never changes, so
 * each pooled connection parses it once): fd_ingest_tool_executions checks
 * the sessions the batch names in the same statement, so an unknown one is a 422 naming the item (nothing
 * inserted), not a foreign-key failure; the client execution id is the natural key (ON CONFLICT DO NOTHING), so a
 * replay is applied once. A session deleted between check and insert still fails the foreign key, which the API
 * maps to 422.
 */
export async function ingestToolExecutions(db: Db, input: { executions: IngestToolExecution[] }): Promise<IngestToolsResult> {
  const rows = toRows(input.executions);
  const [{ r }] = await queryRows<{ r: { missing: number[] | null; inserted: number } }>(
    db,
    sql`SELECT fd_ingest_tool_executions(${JSON.stringify(rows)}::jsonb) AS r`,
    { prepare: true },
  );
  return ingestResult(r, rows.length);
}

function ingestResult(r: { missing: number[] | null; inserted: number }, received: number): IngestToolsResult {
  if (r.missing?.length) return { ok: false, reason: 'unknown_session', indexes: r.missing.map(Number) };
  const inserted = Number(r.inserted);
  return { ok: true, received, inserted, duplicates: received - inserted };
}

/**
 * ingestToolExecutions and the sign of life of the sessions the batch names (lib/sessions/heartbeats.ts
 * signOfLifeUpdate) in ONE prepared statement: the sessions are touched only when the batch was accepted. The
 * caller resolves the `timeout` pauses of the touched rows that had one (lib/interventions/liveness.ts).
 */
export async function ingestToolExecutionsAndTouch(
  db: Db,
  input: { executions: IngestToolExecution[] },
): Promise<{ result: IngestToolsResult; touched: TouchedSession[] }> {
  const rows = toRows(input.executions);
  const ids = [...new Set(rows.flatMap((r) => (r.session_id ? [r.session_id] : [])))];
  const [{ r, touched }] = await queryRows<{ r: { missing: number[] | null; inserted: number }; touched: TouchedSession[] }>(
    db,
    // The UPDATE reads the ingest's answer, so the ingest runs first (once: MATERIALIZED).
    sql`WITH ingest AS MATERIALIZED (SELECT fd_ingest_tool_executions(${JSON.stringify(rows)}::jsonb) AS r),
        touched AS (${signOfLifeUpdate({ ids, onlyIf: sql`(SELECT jsonb_typeof(r -> 'missing') IS DISTINCT FROM 'array' FROM ingest)` })})
        SELECT (SELECT r FROM ingest) AS r, coalesce((SELECT json_agg(t) FROM touched t), '[]'::json) AS touched`,
    { prepare: true },
  );
  return { result: ingestResult(r, rows.length), touched: r.missing?.length ? [] : touched };
}

/**
 * The same under an Idempotency-Key in one autocommit statement (fd_ingest_tool_executions_once): claims the key,
 * ingests, stores the answer (success or the 422 naming unknown sessions) and, in the same statement, gives the
 * sessions the batch names their sign of life (signOfLifeUpdate) — only when this call applied the batch (not on a
 * replay, not on a 422). One statement, one commit: the call waits for the disk once. `replayed` answers come from
 * the key row; the caller checks their requestHash (lib/api/idempotency.ts replayStored) and resolves the `timeout`
 * pauses of the `touched` rows (lib/interventions/liveness.ts resumeTimedOutSessions).
 */
export async function ingestToolExecutionsOnce(
  db: Db,
  input: {
    principal: string;
    key: string;
    method: string;
    path: string;
    requestHash: string;
    executions: IngestToolExecution[];
    batch: boolean;
  },
): Promise<{ replayed: boolean; status: number | null; body: unknown; requestHash?: string; touched: TouchedSession[] }> {
  const rows = toRows(input.executions);
  const ids = [...new Set(rows.flatMap((r) => (r.session_id ? [r.session_id] : [])))];
  const [{ r, touched }] = await queryRows<{ r: { replayed: boolean; status: number | null; body: unknown; requestHash?: string }; touched: TouchedSession[] }>(
    db,
    // The UPDATE reads the function's answer, so the function runs first (once: MATERIALIZED).
    sql`WITH once AS MATERIALIZED (SELECT fd_ingest_tool_executions_once(${input.principal}, ${input.key}, ${input.method}, ${input.path},
          ${input.requestHash}, ${JSON.stringify(rows)}::jsonb, ${input.batch}) AS r),
        touched AS (${signOfLifeUpdate({ ids, onlyIf: sql`(SELECT r @> '{"replayed": false, "status": 200}' FROM once)` })})
        SELECT (SELECT r FROM once) AS r, coalesce((SELECT json_agg(t) FROM touched t), '[]'::json) AS touched`,
    { prepare: true },
  );
  return { ...r, touched: !r.replayed && r.status === 200 ? touched : [] };
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

/**
 * An execution older than the retention would be pruned at once and would rewrite finished roll-up days
 * (year 0001 included): refused (by the HTTP API and MCP alike) with 422 naming each field, before anything is written.
 */
export function refuseExpiredTimestamps(executions: Array<{ createdAt?: string }>, batch: boolean) {
  const days = env().TOOL_HISTORY_RETENTION_DAYS;
  const oldest = Date.now() - days * 86_400_000;
  const stale = executions.flatMap((e, i) => (e.createdAt && Date.parse(e.createdAt) < oldest ? [i] : []));
  if (!stale.length) return;
  throw new AppError('unprocessable', 'The request body is invalid', {
    fields: stale.slice(0, 50).map((i) => ({
      path: batch ? `${i}.createdAt` : 'createdAt',
      message: `must not be older than ${days} days (the tool history retention)`,
    })),
  });
}
