import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { usageRecords } from '@/lib/db/schema';

export type UsageInput = {
  usageId: string;
  sessionId: string | null;
  project: string;
  model?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  cost?: number | null;
  source: string;
};

/** Usage reports in one statement; the usage id is the natural key, so a replayed report counts as a duplicate. */
export async function recordUsage(db: Db, input: { records: UsageInput[] }): Promise<{ inserted: number; duplicates: number }> {
  if (!input.records.length) return { inserted: 0, duplicates: 0 };
  const rows = await db
    .insert(usageRecords)
    .values(
      input.records.map((r) => ({
        usageId: r.usageId.toLowerCase(),
        sessionId: r.sessionId,
        project: r.project,
        model: r.model ?? null,
        inputTokens: r.inputTokens ?? 0,
        outputTokens: r.outputTokens ?? 0,
        cost: r.cost ?? null,
        source: r.source,
      })),
    )
    .onConflictDoNothing({ target: usageRecords.usageId })
    .returning({ id: usageRecords.id });
  return { inserted: rows.length, duplicates: input.records.length - rows.length };
}

export type SessionUsageInput = {
  usageId: string;
  sessionId: string;
  model?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  cost?: number | null;
  source: string;
};

/**
 * Usage that belongs to sessions (tool executions, POST /sessions/{id}/usage), in one statement: the project is
 * the session's, read in the same INSERT … SELECT; a report whose session does not exist is not stored (the
 * callers check the sessions first). Replays (same usage id) are duplicates.
 */
export async function recordSessionUsage(db: Db, input: { records: SessionUsageInput[] }): Promise<{ inserted: string[] }> {
  if (!input.records.length) return { inserted: [] };
  const rows = input.records.map((r) => ({
    usage_id: r.usageId.toLowerCase(),
    session_id: r.sessionId.toLowerCase(),
    model: r.model ?? null,
    input_tokens: r.inputTokens ?? 0,
    output_tokens: r.outputTokens ?? 0,
    cost: r.cost ?? null,
    source: r.source,
  }));
  const inserted = await queryRows<{ usage_id: string }>(
    db,
    sql`INSERT INTO usage_records (usage_id, session_id, project, model, input_tokens, output_tokens, cost, source)
        SELECT v.usage_id, s.id, s.project, v.model, v.input_tokens, v.output_tokens, v.cost, v.source
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          AS v(usage_id uuid, session_id uuid, model text, input_tokens int, output_tokens int, cost numeric, source text)
        JOIN agent_sessions s ON s.id = v.session_id
        ON CONFLICT (usage_id) DO NOTHING
        RETURNING usage_id::text`,
  );
  return { inserted: inserted.map((r) => r.usage_id) };
}
