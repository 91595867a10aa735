'use client';

import { deferredChart } from '@/components/charts/deferred-chart';
import { CHART_HEIGHT } from '@/components/charts/format';

/**
 * Recharts is loaded only where a chart is drawn (its own chunk, client only), so the route's first-load JS
 * stays small and the server streams the tables and numbers without waiting for chart code; deferredChart mounts
 * them one per task, on-screen ones first.
 */
export const InterventionsChart = deferredChart(() => import('@/components/charts/interventions-chart').then((m) => m.default), CHART_HEIGHT);
export const RecoveriesChart = deferredChart(() => import('@/components/charts/recoveries-chart').then((m) => m.default), CHART_HEIGHT);
export const RateBarsChart = deferredChart(() => import('@/components/charts/rate-bars-chart').then((m) => m.default), CHART_HEIGHT);
export const FailingToolsChart = deferredChart(() => import('@/components/charts/failing-tools-chart').then((m) => m.default), CHART_HEIGHT);
export const LatencyChart = deferredChart(() => import('@/components/charts/latency-chart').then((m) => m.default), CHART_HEIGHT);
export const PreferenceChart = deferredChart(() => import('@/components/charts/preference-chart').then((m) => m.default), CHART_HEIGHT);
export const UsageChart = deferredChart(() => import('@/components/charts/usage-chart').then((m) => m.default), CHART_HEIGHT);
