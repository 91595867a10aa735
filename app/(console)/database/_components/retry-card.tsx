'use client';
import { deferredChart } from '@/components/charts/deferred-chart';
import { use, useMemo } from 'react';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import type { DatabaseStats, RetryMinute } from '@/lib/observability/stats';
import { formatPercent } from '@/lib/ui/format';
import { bucketSeries, sumOf, type Reducer, type TimeRange } from '@/lib/ui/time-buckets';
import { formatCount } from './format';
import { LiveBody } from './live';
import { useDatabaseStats, type Loaded } from './use-database-stats';

const RetryTrendChart = deferredChart(() => import('@/components/charts/retry-trend-chart').then((m) => m.RetryTrendChart), 220);

type ClassTotals = { errorClass: string; retries: number; recovered: number; failed: number };

function totalsByClass(rows: RetryMinute[]): ClassTotals[] {
  const m = new Map<string, ClassTotals>();
  for (const r of rows) {
    const t = m.get(r.errorClass) ?? { errorClass: r.errorClass, retries: 0, recovered: 0, failed: 0 };
    t.retries += r.retries;
    t.recovered += r.recovered;
    t.failed += r.failed;
    m.set(r.errorClass, t);
  }
  return [...m.values()].sort((a, b) => b.retries - a.retries);
}

function Figure({ label, value, hint }: { label: string; value: React.ReactNode; hint?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 p-3">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className="mt-1 text-xl font-semibold tabular-nums text-slate-900">{value}</div>
      {hint && <div className="mt-0.5 text-xs text-slate-500">{hint}</div>}
    </div>
  );
}

export function RetryCard({ initial, range }: { initial: Promise<Loaded<DatabaseStats>>; range: TimeRange }) {
  const first = use(initial);
  const query = useDatabaseStats(range.minutes, first);
  const rows = useMemo(() => query.data?.retryHistory ?? [], [query.data]);
  const classes = useMemo(() => totalsByClass(rows), [rows]);
  const updatedAt = query.dataUpdatedAt;
  const series = useMemo(() => {
    const fields: Record<string, Reducer<RetryMinute>> = {};
    for (const c of classes) fields[c.errorClass] = sumOf((r) => (r.errorClass === c.errorClass ? r.retries : 0));
    return bucketSeries(rows, { minutes: range.minutes, bucketMinutes: range.bucketMinutes, now: updatedAt, fields });
  }, [rows, classes, range, updatedAt]);

  return (
    <LiveBody title="Retries" query={query} first={first}>
      {({ retries: proc }) => {
        const retries = classes.reduce((a, c) => a + c.retries, 0);
        const recovered = classes.reduce((a, c) => a + c.recovered, 0);
        const failed = classes.reduce((a, c) => a + c.failed, 0);
        // In the roll-up an operation ends either recovered or failed; failures include errors never retried.
        const rate = recovered + failed ? recovered / (recovered + failed) : null;
        return (
          <Card title="Retries" action={<span className="text-xs text-slate-500">all processes, last {range.label}</span>}>
            <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
              <Figure label="Total retries" value={formatCount(retries)} hint={`${formatCount(proc.totalRetries)} in this process since start`} />
              <Figure
                label="Retry success rate"
                value={formatPercent(rate)}
                hint={
                  proc.retriedOperations
                    ? `this process: ${formatPercent(proc.retrySuccessRate)} of ${formatCount(proc.retriedOperations)} retried`
                    : 'recovered ÷ (recovered + failed)'
                }
              />
              <Figure label="Recovered operations" value={formatCount(recovered)} hint="succeeded after retrying" />
              <Figure label="Failed operations" value={formatCount(failed)} hint={`${formatCount(proc.failedOperations)} in this process since start`} />
            </div>
            {rows.length === 0 ? (
              <div className="mt-4">
                <EmptyState title={`No retries in the last ${range.label}`}>
                  Transient failures the data layer retried (lost connections, deadlocks, serialization failures, a full
                  server) are rolled up per minute into db_retry_log and drawn here by error class, up to MAX_RETRIES
                  (default 3) per operation.
                </EmptyState>
              </div>
            ) : (
              <div className="mt-4 grid gap-4 xl:grid-cols-5">
                <div className="xl:col-span-3" role="img" aria-label={`Retries by error class, last ${range.label}`}>
                  <RetryTrendChart data={series} series={classes.map((c) => c.errorClass)} spanMinutes={range.minutes} />
                </div>
                <div className="xl:col-span-2">
                  <Table>
                    <thead>
                      <tr>
                        <Th>Error class</Th>
                        <Th className="text-right">Retries</Th>
                        <Th className="text-right">Recovered</Th>
                        <Th className="text-right">Failed</Th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {classes.map((c) => (
                        <Tr key={c.errorClass}>
                          <Td className="font-mono text-xs">{c.errorClass}</Td>
                          <Td className="text-right tabular-nums">{formatCount(c.retries)}</Td>
                          <Td className="text-right tabular-nums">{formatCount(c.recovered)}</Td>
                          <Td className={`text-right tabular-nums ${c.failed ? 'font-medium text-red-700' : ''}`}>{formatCount(c.failed)}</Td>
                        </Tr>
                      ))}
                    </tbody>
                  </Table>
                </div>
              </div>
            )}
          </Card>
        );
      }}
    </LiveBody>
  );
}
