import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { getDatabaseStats, getHealth, getQueryStats } from '@/lib/observability/stats';
import { parseTimeRange } from '@/lib/ui/time-buckets';
import { HealthCard } from './_components/health-card';
import { PoolWaitCard, QueryLatencyCard } from './_components/history-cards';
import { LeaksCard } from './_components/leaks-card';
import { LiveIndicator } from './_components/live';
import { PoolCard } from './_components/pool-card';
import { SlowQueriesCard, TopTemplatesCard } from './_components/query-tables';
import { RangeSelector } from './_components/range-selector';
import { RetryCard } from './_components/retry-card';
import { ServerActivityCard, ServerStatementsCard } from './_components/server-cards';
import type { Loaded } from './_components/use-database-stats';
import { WidgetBoundary, WidgetSkeleton } from './_components/widget';

export const metadata: Metadata = { title: 'Database' };

/** Never rejects: a failed load becomes an error the widget shows in place while the rest of the page renders. */
async function load<T>(fn: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await fn(), at: Date.now() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { ok: false, error: cause?.code ? `database error ${cause.code}` : 'the database did not answer', at: Date.now() };
  }
}

function Widget({ title, height, children }: { title: string; height?: number; children: React.ReactNode }) {
  return (
    <WidgetBoundary title={title}>
      <Suspense fallback={<WidgetSkeleton title={title} height={height} />}>{children}</Suspense>
    </WidgetBoundary>
  );
}

export default async function DatabasePage({ searchParams }: { searchParams: Promise<{ range?: string | string[] }> }) {
  await requirePageUser('database:read');
  const range = parseTimeRange((await searchParams).range);
  // Started together, not awaited: each widget suspends on its own promise and streams in when it resolves.
  const health = load(() => getHealth());
  const stats = load(() => getDatabaseStats({ sinceMinutes: range.minutes }));
  const queries = load(() => getQueryStats({ limit: 20 }));

  return (
    <>
      <PageHeader
        title="Database"
        description="The data layer as it runs: health, the connection pool, latency, retries, and the server's own view."
        actions={
          <>
            <LiveIndicator />
            <RangeSelector current={range} />
          </>
        }
      />
      <div className="space-y-4">
        <Widget title="Health" height={40}>
          <HealthCard initial={health} />
        </Widget>
        <Widget title="Connection pool" height={120}>
          <PoolCard initial={stats} sinceMinutes={range.minutes} />
        </Widget>
        <Widget title="Leak warnings" height={24}>
          <LeaksCard initial={stats} sinceMinutes={range.minutes} />
        </Widget>
        <div className="grid gap-4 xl:grid-cols-2">
          <Widget title="Acquisition wait" height={220}>
            <PoolWaitCard initial={stats} range={range} />
          </Widget>
          <Widget title="Query latency" height={220}>
            <QueryLatencyCard initial={stats} range={range} />
          </Widget>
        </div>
        <Widget title="Retries" height={220}>
          <RetryCard initial={stats} range={range} />
        </Widget>
        <Widget title="Top query templates" height={200}>
          <TopTemplatesCard initial={queries} />
        </Widget>
        <Widget title="Slow queries" height={120}>
          <SlowQueriesCard initial={queries} initialStats={stats} range={range} />
        </Widget>
        <h2 className="pt-2 text-sm font-semibold uppercase tracking-wide text-slate-500">The server&apos;s own view</h2>
        <div className="grid gap-4 2xl:grid-cols-2">
          <Widget title="Server activity" height={160}>
            <ServerActivityCard initial={stats} sinceMinutes={range.minutes} />
          </Widget>
          <Widget title="Server top statements" height={160}>
            <ServerStatementsCard initial={queries} />
          </Widget>
        </div>
      </div>
    </>
  );
}
