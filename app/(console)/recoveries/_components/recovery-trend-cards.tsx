import type { TimeRange } from '@/lib/analytics/range';
import { Card } from '@/components/ui/card';
import { getRecoveryStats } from './recovery-stats';
import { loadOrError } from './widget-error';
import { RecoveryDurationChartLazy, RecoveryRateChartLazy } from './recovery-charts';

/** Fetches the per-day figures once and hands each chart only the series it draws. */
export async function RecoveryTrendCards({ range }: { range: TimeRange }) {
  const result = await loadOrError(() => getRecoveryStats(range));
  if (!('byDay' in result)) return result;
  const series = result.byDay;
  const pick = (day: (typeof series)[number], method: string) => day.methods.find((m) => m.method === method);
  const rate = series.map((d) => ({ day: d.day, manual: pick(d, 'manual')?.successRate ?? null, automatic: pick(d, 'automatic')?.successRate ?? null }));
  const duration = series.map((d) => ({
    day: d.day,
    manual: pick(d, 'manual')?.meanDurationSeconds ?? null,
    automatic: pick(d, 'automatic')?.meanDurationSeconds ?? null,
  }));
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card title={`Success rate per day (${range.label})`}>
        <RecoveryRateChartLazy data={rate} />
      </Card>
      <Card title={`Mean duration per day (${range.label})`}>
        <RecoveryDurationChartLazy data={duration} />
      </Card>
    </div>
  );
}
