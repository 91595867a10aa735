'use client';
import { deferredChart } from '@/components/charts/deferred-chart';
import type { RecoveryDurationPoint } from '@/components/charts/recovery-duration-chart';
import type { RecoveryRatePoint } from '@/components/charts/recovery-rate-chart';

// Recharts is the heaviest script on the page: load it only in the browser, in its own chunk, after the
// server-rendered numbers are already visible.
const skeleton = () => <div className="h-[220px] animate-pulse rounded-md bg-slate-100" aria-hidden />;
const RateChart = deferredChart(() => import('@/components/charts/recovery-rate-chart').then((m) => m.default), skeleton());
const DurationChart = deferredChart(() => import('@/components/charts/recovery-duration-chart').then((m) => m.default), skeleton());

export function RecoveryRateChartLazy({ data }: { data: RecoveryRatePoint[] }) {
  return <RateChart data={data} />;
}

export function RecoveryDurationChartLazy({ data }: { data: RecoveryDurationPoint[] }) {
  return <DurationChart data={data} />;
}
