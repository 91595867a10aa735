'use client';
import { deferredChart } from '@/components/charts/deferred-chart';
import { use, useMemo } from 'react';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import type { DatabaseStats, MonitorMinute } from '@/lib/observability/stats';
import { bucketSeries, maxOf, sumOf, type TimeRange } from '@/lib/ui/time-buckets';
import { formatMs } from './format';
import { LiveBody } from './live';
import { useDatabaseStats, type Loaded } from './use-database-stats';

// Recharts is most of a chart page's JavaScript: load it after the page is interactive.
const PoolWaitChart = deferredChart(() => import('@/components/charts/pool-wait-chart').then((m) => m.PoolWaitChart), 220);
const QueryLatencyChart = deferredChart(() => import('@/components/charts/query-latency-chart').then((m) => m.QueryLatencyChart), 220);

function useMonitorSeries(rows: MonitorMinute[], range: TimeRange, updatedAt: number) {
  return useMemo(
    () =>
      bucketSeries(rows, {
        minutes: range.minutes,
        bucketMinutes: range.bucketMinutes,
        now: updatedAt,
        fields: {
          acquireP95Ms: maxOf((r) => r.acquireP95Ms),
          maxWaiting: maxOf((r) => r.maxWaiting),
          queryP50Ms: maxOf((r) => r.queryP50Ms),
          queryP95Ms: maxOf((r) => r.queryP95Ms),
          queries: sumOf((r) => r.queries - r.errors),
          errors: sumOf((r) => r.errors),
        },
      }),
    [rows, range, updatedAt],
  );
}

const noHistory = (range: TimeRange) => (
  <EmptyState title={`No pool history in the last ${range.label}`}>
    Each running Flightdeck process writes a per-minute roll-up of its pool and query timings to db_monitor_minutes once
    a minute. Points appear here a minute after the app has served database traffic.
  </EmptyState>
);

function worst(rows: MonitorMinute[], pick: (r: MonitorMinute) => number | null) {
  let m: number | null = null;
  for (const r of rows) {
    const v = pick(r);
    if (v !== null && (m === null || v > m)) m = v;
  }
  return m;
}

export function PoolWaitCard({ initial, range }: { initial: Promise<Loaded<DatabaseStats>>; range: TimeRange }) {
  const first = use(initial);
  const query = useDatabaseStats(range.minutes, first);
  const rows = query.data?.monitorHistory ?? [];
  const series = useMonitorSeries(rows, range, query.dataUpdatedAt);
  return (
    <LiveBody title="Acquisition wait" query={query} first={first}>
      {() => (
        <Card
          title="Acquisition wait"
          action={
            <span className="text-xs text-slate-500">
              worst p95 {formatMs(worst(rows, (r) => r.acquireP95Ms))} · most waiting {worst(rows, (r) => r.maxWaiting) ?? '—'}
            </span>
          }
        >
          {rows.length === 0 ? (
            noHistory(range)
          ) : (
            <div role="img" aria-label={`Acquisition wait p95 and callers waiting, last ${range.label}`}>
              <PoolWaitChart data={series} spanMinutes={range.minutes} />
            </div>
          )}
        </Card>
      )}
    </LiveBody>
  );
}

export function QueryLatencyCard({ initial, range }: { initial: Promise<Loaded<DatabaseStats>>; range: TimeRange }) {
  const first = use(initial);
  const query = useDatabaseStats(range.minutes, first);
  const rows = query.data?.monitorHistory ?? [];
  const series = useMonitorSeries(rows, range, query.dataUpdatedAt);
  const total = rows.reduce((a, r) => a + r.queries, 0);
  const errors = rows.reduce((a, r) => a + r.errors, 0);
  const slow = rows.reduce((a, r) => a + r.slowQueries, 0);
  return (
    <LiveBody title="Query latency" query={query} first={first}>
      {() => (
        <Card
          title="Query latency"
          action={
            <span className="text-xs text-slate-500">
              {total.toLocaleString('en-US')} queries · {errors.toLocaleString('en-US')} errors · {slow} slow
            </span>
          }
        >
          {rows.length === 0 ? (
            noHistory(range)
          ) : (
            <div role="img" aria-label={`Query latency p50 and p95 and queries per interval, last ${range.label}`}>
              <QueryLatencyChart data={series} spanMinutes={range.minutes} />
            </div>
          )}
        </Card>
      )}
    </LiveBody>
  );
}
