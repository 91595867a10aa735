'use client';

import dynamic from 'next/dynamic';
import { CHART_HEIGHT } from '@/components/charts/format';

/**
 * Recharts is loaded only where a chart is drawn (next/dynamic, client only), so the route's first-load JS
 * stays small and the server streams the tables and numbers without waiting for chart code.
 */
function ChartSkeleton() {
  return <div className="animate-pulse rounded-md bg-slate-100" style={{ height: CHART_HEIGHT }} aria-hidden />;
}

export const InterventionsChart = dynamic(() => import('@/components/charts/interventions-chart'), { ssr: false, loading: ChartSkeleton });
export const RecoveriesChart = dynamic(() => import('@/components/charts/recoveries-chart'), { ssr: false, loading: ChartSkeleton });
export const RateBarsChart = dynamic(() => import('@/components/charts/rate-bars-chart'), { ssr: false, loading: ChartSkeleton });
export const FailingToolsChart = dynamic(() => import('@/components/charts/failing-tools-chart'), { ssr: false, loading: ChartSkeleton });
export const LatencyChart = dynamic(() => import('@/components/charts/latency-chart'), { ssr: false, loading: ChartSkeleton });
export const PreferenceChart = dynamic(() => import('@/components/charts/preference-chart'), { ssr: false, loading: ChartSkeleton });
