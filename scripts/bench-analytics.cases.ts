import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { rankTools } from '@/lib/tools/preference';
import { listRecentToolFailures, listToolStatistics, listToolUsers } from '@/lib/tools/stats';
import {
  getOverviewKpis,
  listInterventionsByType,
  listRecoveriesByStatus,
  listRetries,
  listToolSuccessTrend,
  listTopFailingTools,
} from '@/lib/analytics/queries';
import { parseTimeRange } from '@/lib/analytics/range';

/**
 * Every Overview and Tools query, by name, for `npm run bench` (scripts/bench-analytics.ts times them), plus the
 * same figures computed from the raw rows so one run compares roll-up against raw aggregation.
 */
export type BenchCase = { name: string; group: 'rollup' | 'raw' | 'live'; run: (db: Db) => Promise<unknown> };

export async function analyticsBenchCases(db: Db, rangeKey: '24h' | '7d' | '30d' = '30d'): Promise<BenchCase[]> {
  const range = parseTimeRange({ range: rangeKey });
  const users = await listToolUsers(db, { limit: 5 });
  const userId = users[0]?.userId ?? 'u-001';
  const [tool] = await queryRows<{ tool_name: string }>(db, sql`SELECT tool_name FROM tool_execution_hours LIMIT 1`);
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  return [
    { name: 'overview.kpis', group: 'rollup', run: (d) => getOverviewKpis(d, range) },
    { name: 'overview.interventions', group: 'rollup', run: (d) => listInterventionsByType(d, range) },
    { name: 'overview.recoveries', group: 'rollup', run: (d) => listRecoveriesByStatus(d, range) },
    { name: 'overview.retries', group: 'rollup', run: (d) => listRetries(d, range) },
    { name: 'overview.tool-trend', group: 'rollup', run: (d) => listToolSuccessTrend(d, range) },
    { name: 'overview.failing-tools', group: 'rollup', run: (d) => listTopFailingTools(d, range) },
    { name: 'tools.statistics', group: 'rollup', run: (d) => listToolStatistics(d, range) },
    { name: 'tools.users', group: 'rollup', run: (d) => listToolUsers(d) },
    { name: 'tools.rank (mean)', group: 'rollup', run: (d) => rankTools({ db: d, userId, strategy: 'mean' }) },
    { name: 'tools.rank (thompson)', group: 'rollup', run: (d) => rankTools({ db: d, userId, strategy: 'thompson' }) },
    { name: 'tools.failures', group: 'live', run: (d) => listRecentToolFailures(d, { range, limit: 25 }) },
    {
      name: 'tools.failures (tool)',
      group: 'live',
      run: (d) => listRecentToolFailures(d, { range, tool: tool?.tool_name, limit: 25 }),
    },
    { name: 'tools.failures (user)', group: 'live', run: (d) => listRecentToolFailures(d, { range, userId, limit: 25 }) },
    // The same figures from raw rows, for comparison.
    {
      name: 'raw: tools.statistics (percentile_cont)',
      group: 'raw',
      run: (d) =>
        queryRows(
          d,
          sql`SELECT tool_name, count(*), avg(success::int), percentile_cont(0.5) WITHIN GROUP (ORDER BY execution_time_ms),
              percentile_cont(0.95) WITHIN GROUP (ORDER BY execution_time_ms), avg(user_satisfaction)
            FROM user_tool_history WHERE created_at >= ${from}::timestamptz AND created_at < ${to}::timestamptz GROUP BY tool_name`,
        ),
    },
    {
      name: 'raw: overview.tool-trend',
      group: 'raw',
      run: (d) =>
        queryRows(
          d,
          sql`SELECT fd_day(created_at), count(*), count(*) FILTER (WHERE success) FROM user_tool_history
            WHERE created_at >= ${from}::timestamptz AND created_at < ${to}::timestamptz GROUP BY 1`,
        ),
    },
    {
      name: 'raw: overview.interventions',
      group: 'raw',
      run: (d) =>
        queryRows(
          d,
          sql`SELECT fd_day(paused_at), pause_type, count(*) FROM paused_sessions
            WHERE paused_at >= ${from}::timestamptz AND paused_at < ${to}::timestamptz GROUP BY 1, 2`,
        ),
    },
    {
      name: 'raw: tools.rank evidence (user history)',
      group: 'raw',
      run: (d) =>
        queryRows(
          d,
          sql`SELECT tool_name, fd_day(created_at), count(*), count(*) FILTER (WHERE success) FROM user_tool_history
            WHERE user_id = ${userId} AND created_at >= now() - interval '90 days' GROUP BY 1, 2`,
        ),
    },
  ];
}
