import type { Db } from '@/lib/db/client';
import { rankTools, type PreferenceStrategy } from '@/lib/tools/preference';
import { listRecentToolFailures, listToolStatistics, listToolUsers, type FailureCursor } from '@/lib/tools/stats';
import { countPausesPastDeadline } from '@/lib/interventions/deadlines';
import { charts } from './charts';
import { getOverviewKpis } from '@/lib/analytics/queries';
import type { TimeRange } from '@/lib/analytics/range';

/**
 * What the Overview and Tools pages read on the server for one request, as one function each, so that
 * `npm run bench:queries` times exactly the page's server-side reads (at 10 concurrent readers). The pages stream
 * each card in its own Suspense boundary, so the cards start these reads concurrently; here they run under one
 * Promise.all. Keep in step with app/(console)/overview and app/(console)/tools. Neither refreshes the roll-ups:
 * the background job does (lib/server/jobs.ts), and the pages say how fresh the figures are.
 */

/** Every chart the Overview page's cards load (app/(console)/overview/_components): a test keeps the two in step. */
export const overviewCharts = ['interventions', 'recoveries', 'tool-trend', 'failing-tools', 'retries', 'usage-cost', 'usage-tokens', 'first-action'] as const;

export async function loadOverviewPage(db: Db, range: TimeRange) {
  const p = { range };
  const [kpis, ...loaded] = await Promise.all([getOverviewKpis(db, range), ...overviewCharts.map((id) => charts[id].load(db, p))]);
  // Its own Suspense boundary on the page (a figure right now, not over the range).
  const pastDeadline = await countPausesPastDeadline(db);
  return { kpis, charts: Object.fromEntries(overviewCharts.map((id, i) => [id, loaded[i]])), pastDeadline };
}

export type ToolsPageFilters = { userId?: string; tool?: string; cursor?: FailureCursor | null; strategy: PreferenceStrategy };

/** The Tools page: statistics (shared by three cards, one read per request), users, one failures page, a ranking. */
export async function loadToolsPage(db: Db, range: TimeRange, filters: ToolsPageFilters) {
  const [statistics, users, failures] = await Promise.all([
    listToolStatistics(db, range),
    listToolUsers(db),
    listRecentToolFailures(db, { range, tool: filters.tool, userId: filters.userId, cursor: filters.cursor, limit: 25 }),
  ]);
  const userId = filters.userId ?? users[0]?.userId;
  const ranked = userId ? await rankTools({ db, userId, strategy: filters.strategy }) : [];
  return { statistics, users, failures, userId, ranked };
}
