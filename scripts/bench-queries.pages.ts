import { sql } from 'drizzle-orm';
import { loadOverviewPage, loadToolsPage } from '@/lib/pages/analytics';
import { parseTimeRange } from '@/lib/analytics/range';
import { getRollupFreshness } from '@/lib/analytics/rollup-state';
import { listRecoveries, listRecoveryFailures, recoveryStats } from '@/lib/checkpoints/queries';
import { queryRows, type Db } from '@/lib/db/client';
import { countUnreadNotifications } from '@/lib/interventions/notifications';
import { loadInterventionsPage } from '@/lib/pages/interventions';
import { countActiveInterventions, listInterventionHistory } from '@/lib/interventions/queries';
import { loadSessionPage } from '@/lib/pages/sessions';
import { listSessions } from '@/lib/sessions/queries';
import { listToolUsers } from '@/lib/tools/stats';

/**
 * The console's pages as `npm run bench:queries` loads them: each entry calls what the page's server component
 * calls (its loader, or the one query function it awaits), with the parameters of a first visit. The statements
 * are not listed here: the benchmark records whatever these send through the data layer (recordStatements).
 */
export type PageLoad = { page: string; name: string; load: (db: Db) => Promise<unknown> };

export async function pageLoads(db: Db): Promise<PageLoad[]> {
  const range = parseTimeRange({ range: '30d' });
  const [user] = await queryRows<{ id: string }>(db, sql`SELECT id FROM "user" ORDER BY created_at LIMIT 1`);
  const [detail] = await queryRows<{ id: string }>(db, sql`SELECT id FROM agent_sessions WHERE metadata->>'benchmark' = 'detail-1000-200' LIMIT 1`);
  const [toolUser] = await listToolUsers(db, { limit: 1 });
  const [tool] = await queryRows<{ tool_name: string }>(db, sql`SELECT tool_name FROM tool_execution_days ORDER BY day DESC, tool_name LIMIT 1`);
  const [project] = await queryRows<{ project: string }>(db, sql`SELECT project FROM paused_sessions WHERE NOT resolved LIMIT 1`);
  const [corr] = await queryRows<{ c: string }>(
    db,
    sql`SELECT metadata->>'correlation_id' AS c FROM execution_events WHERE aggregate_id = ${detail?.id ?? ''} AND metadata ? 'correlation_id' LIMIT 1`,
  );
  const userId = user?.id ?? 'nobody';
  return [
    // app/(console)/layout.tsx, on every page.
    { page: 'Layout', name: 'nav badges', load: (d) => Promise.all([countActiveInterventions(d), countUnreadNotifications(d, { userId })]) },
    { page: 'Overview', name: 'Overview (30 d)', load: (d) => Promise.all([loadOverviewPage(d, range), getRollupFreshness(d)]) },
    { page: 'Tools', name: 'Tools (30 d)', load: (d) => Promise.all([loadToolsPage(d, range, { strategy: 'mean' }), getRollupFreshness(d)]) },
    {
      page: 'Tools',
      name: 'Tools (30 d, user + tool filter)',
      load: (d) => loadToolsPage(d, range, { strategy: 'mean', userId: toolUser?.userId, tool: tool?.tool_name }),
    },
    { page: 'Interventions', name: 'Interventions', load: (d) => loadInterventionsPage(d, { filter: {}, cursor: null, limit: 50 }) },
    {
      page: 'Interventions',
      name: 'Interventions, project filter',
      load: (d) => loadInterventionsPage(d, { filter: { project: project?.project }, cursor: null, limit: 50 }),
    },
    { page: 'Intervention history', name: 'Intervention history', load: (d) => listInterventionHistory(d, { limit: 50 }) },
    { page: 'Sessions', name: 'Sessions', load: (d) => listSessions(d, { limit: 50 }) },
    { page: 'Sessions', name: 'Sessions, status=paused', load: (d) => listSessions(d, { status: 'paused', limit: 50 }) },
    // The search box: an exact correlation id is looked up in every event partition's correlation index.
    { page: 'Sessions', name: 'Sessions, correlation id search', load: (d) => listSessions(d, { search: corr?.c ?? 'none', limit: 50 }) },
    ...(detail ? [{ page: 'Session detail', name: 'Session detail (1,000 events, 200 checkpoints)', load: (d: Db) => loadSessionPage(d, { id: detail.id }) }] : []),
    // The history and latest failures, and (streamed, one read for both stat cards and both charts) the 30 days' stats.
    {
      page: 'Recoveries',
      name: 'Recoveries',
      load: (d) => Promise.all([listRecoveryFailures(d, { limit: 10 }), listRecoveries(d, { limit: 50 }), recoveryStats(d, { from: range.from, to: range.to })]),
    },
  ];
}
