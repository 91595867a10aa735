import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { parseTimeRange } from '@/lib/analytics/range';
import { requirePageUser } from '@/lib/auth/guards';
import { FiguresAsOf } from '../_components/figures-as-of';
import type { PreferenceStrategy } from '@/lib/tools/preference';
import { pickerDays, RangeNotice } from '../overview/_components/range-notice';
import { TimeRangePicker } from '../overview/_components/time-range-picker';
import { WidgetSkeleton } from '../overview/_components/widget';
import { FailuresCard, LatencyCard, PreferenceCard, ToolStatsCard, type ToolsFilters } from './_components/tool-cards';

export const metadata: Metadata = { title: 'Tools' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const strategies: PreferenceStrategy[] = ['mean', 'lower_bound', 'thompson'];

export default async function ToolsPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePageUser('console:read');
  const params = await searchParams;
  const range = parseTimeRange(params);
  const strategy = one(params.strategy) as PreferenceStrategy | undefined;
  const filters: ToolsFilters = {
    userId: one(params.user)?.slice(0, 200),
    tool: one(params.tool)?.slice(0, 200),
    cursor: one(params.cursor),
    strategy: strategy && strategies.includes(strategy) ? strategy : 'mean',
  };
  const key = `${range.query}|${filters.userId}|${filters.tool}|${filters.cursor}|${filters.strategy}`;
  return (
    <>
      <PageHeader
        title="Tools"
        description={`Tool executions: volume, success, latency, who prefers what, and what failed. ${range.label}.`}
        actions={<TimeRangePicker {...pickerDays(range)} />}
      />
      <RangeNotice range={range} />
      <FiguresAsOf />
      <div className="space-y-6">
        <Suspense key={`s-${key}`} fallback={<WidgetSkeleton title="Tools" />}>
          <ToolStatsCard range={range} filters={filters} />
        </Suspense>
        <div className="grid items-start gap-4 xl:grid-cols-2">
          <Suspense key={`l-${key}`} fallback={<WidgetSkeleton title="Execution time by tool" />}>
            <LatencyCard range={range} filters={filters} />
          </Suspense>
          <section aria-label="Preferred tools">
            <Suspense key={`p-${key}`} fallback={<WidgetSkeleton title="Preferred tools" />}>
              <PreferenceCard range={range} filters={filters} />
            </Suspense>
          </section>
        </div>
        <div id="failures">
          <Suspense key={`f-${key}`} fallback={<WidgetSkeleton title="Recent failures" />}>
            <FailuresCard range={range} filters={filters} />
          </Suspense>
        </div>
      </div>
    </>
  );
}
