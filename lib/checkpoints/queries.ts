import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

export type RecoveryHistoryRow = {
  id: string;
  session_id: string;
  project: string;
  agent_name: string;
  checkpoint_sequence: number;
  recovery_method: string;
  recovery_status: string;
  started_at: Date;
  recovery_duration_seconds: string | number | null;
  initiated_by: string | null;
  error: string | null;
};

export async function listRecoveries(db: Db, input: { limit?: number } = {}) {
  return queryRows<RecoveryHistoryRow>(
    db,
    sql`SELECT id, session_id, project, agent_name, checkpoint_sequence, recovery_method, recovery_status, started_at,
               recovery_duration_seconds, initiated_by, error
        FROM v_checkpoint_recovery_history ORDER BY started_at DESC, id DESC LIMIT ${input.limit ?? 50}`,
  );
}

export async function recoveryStatusSummary(db: Db) {
  return queryRows<{ recovery_status: string; count: number; avg_duration: number | null }>(
    db,
    sql`SELECT recovery_status, count(*)::int AS count, avg(recovery_duration_seconds)::float8 AS avg_duration
        FROM v_checkpoint_recovery_history GROUP BY recovery_status ORDER BY recovery_status`,
  );
}
