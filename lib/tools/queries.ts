import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

export type ToolStatsRow = {
  tool_name: string;
  executions: number;
  success_rate: number;
  p50_ms: number | null;
  p95_ms: number | null;
  satisfaction: number | null;
};

/** Per-tool volume, success rate and latency over the last `days` (idx_user_tool_history_metrics). */
export async function listToolStats(db: Db, input: { days?: number } = {}) {
  return queryRows<ToolStatsRow>(
    db,
    sql`SELECT tool_name,
               count(*)::int AS executions,
               avg(success::int)::float8 AS success_rate,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY execution_time_ms)::float8 AS p50_ms,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY execution_time_ms)::float8 AS p95_ms,
               avg(user_satisfaction)::float8 AS satisfaction
        FROM user_tool_history
        WHERE created_at >= now() - make_interval(days => ${input.days ?? 7})
        GROUP BY tool_name ORDER BY executions DESC`,
  );
}
