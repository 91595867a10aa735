import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

export async function countActiveInterventions(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM paused_sessions WHERE NOT resolved`);
  return row?.n ?? 0;
}

export type ActiveIntervention = {
  id: string;
  session_id: string;
  project: string;
  agent_name: string;
  reason: string;
  pause_type: string;
  current_task: string | null;
  last_error: string | null;
  paused_at: Date;
  assigned_to: string | null;
};

/** Open pauses, oldest first (served by idx_paused_sessions_active). */
export async function listActiveInterventions(db: Db, input: { limit?: number } = {}) {
  return queryRows<ActiveIntervention>(
    db,
    sql`SELECT id, session_id, project, agent_name, reason, pause_type, current_task, last_error, paused_at, assigned_to
        FROM v_active_interventions ORDER BY paused_at ASC, id ASC LIMIT ${input.limit ?? 100}`,
  );
}

export type InterventionHistoryRow = {
  id: string;
  session_id: string;
  project: string;
  agent_name: string;
  reason: string;
  pause_type: string;
  paused_at: Date;
  resolved: boolean;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
  resolution_seconds: number | null;
};

export async function listInterventionHistory(db: Db, input: { limit?: number } = {}) {
  return queryRows<InterventionHistoryRow>(
    db,
    sql`SELECT id, session_id, project, agent_name, reason, pause_type, paused_at, resolved, resolved_at, resolved_by,
               resolution, resolution_seconds
        FROM v_intervention_history ORDER BY paused_at DESC, id DESC LIMIT ${input.limit ?? 50}`,
  );
}
