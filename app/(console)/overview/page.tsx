import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { parseTimeRange } from '@/lib/analytics/range';
import { requirePageUser } from '@/lib/auth/guards';
import { FiguresAsOf } from '../_components/figures-as-of';
import { PastDeadlineTile } from './_components/deadline-tile';
import { FailingToolsCard, InterventionsCard, KpiRow, RecoveriesCard, RetriesCard, ToolTrendCard } from './_components/cards';
import { pickerDays, RangeNotice } from './_components/range-notice';
import { TimeRangePicker } from './_components/time-range-picker';
import { FirstActionCard, UsageCard } from './_components/usage-cards';
import { WidgetSkeleton } from './_components/widget';

export const metadata: Metadata = { title: 'Overview' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePageUser('console:read');
  const range = parseTimeRange(await searchParams);
  const key = range.query;
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Is the fleet getting better? ${range.label}, compared with the period before.`}
        actions={<TimeRangePicker {...pickerDays(range)} />}
      />
      <RangeNotice range={range} />
      <FiguresAsOf />
      <Suspense key={`kpi-${key}`} fallback={<WidgetSkeleton title="Key figures" height={110} />}>
        <KpiRow range={range} />
      </Suspense>
      <Suspense fallback={<WidgetSkeleton title="Pauses past deadline" height={60} />}>
        <PastDeadlineTile />
      </Suspense>
      <div className="mt-6 grid gap-4 xl:grid-cols-2">
        <Suspense key={`i-${key}`} fallback={<WidgetSkeleton title="Interventions by pause type" />}>
          <InterventionsCard range={range} />
        </Suspense>
        <Suspense key={`r-${key}`} fallback={<WidgetSkeleton title="Recoveries by status" />}>
          <RecoveriesCard range={range} />
        </Suspense>
        <Suspense key={`t-${key}`} fallback={<WidgetSkeleton title="Tool success trend" />}>
          <ToolTrendCard range={range} />
        </Suspense>
        <Suspense key={`f-${key}`} fallback={<WidgetSkeleton title="Top failing tools" />}>
          <FailingToolsCard range={range} />
        </Suspense>
        <Suspense key={`d-${key}`} fallback={<WidgetSkeleton title="Database retries" />}>
          <RetriesCard range={range} />
        </Suspense>
        <Suspense key={`uc-${key}`} fallback={<WidgetSkeleton title="Cost per project (USD)" />}>
          <UsageCard range={range} kind="cost" />
        </Suspense>
        <Suspense key={`ut-${key}`} fallback={<WidgetSkeleton title="Tokens per project" />}>
          <UsageCard range={range} kind="tokens" />
        </Suspense>
        <Suspense key={`fa-${key}`} fallback={<WidgetSkeleton title="Time to first human action" />}>
          <FirstActionCard range={range} />
        </Suspense>
      </div>
    </>
  );
}
