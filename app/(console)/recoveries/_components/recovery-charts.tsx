'use client';
import { deferredChart } from '@/components/charts/deferred-chart';
import type { RecoveryDurationPoint } from '@/components/charts/recovery-duration-chart';
import type { RecoveryRatePoint } from '@/components/charts/recovery-rate-chart';

// Recharts is the heaviest script on the page: load it only in the browser, in its own chunk, after the
// server-rendered numbers are already visible.
const RateChart = deferredChart(() => import('@/components/charts/recovery-rate-chart').then((m) => m.default), 220);
const DurationChart = deferredChart(() => import('@/components/charts/recovery-duration-chart').then((m) => m.default), 220);

export function RecoveryRateChartLazy({ data }: { data: RecoveryRatePoint[] }) {
  return <RateChart data={data} />;
}

export function RecoveryDurationChartLazy({ data }: { data: RecoveryDurationPoint[] }) {
  return <DurationChart data={data} />;
}
