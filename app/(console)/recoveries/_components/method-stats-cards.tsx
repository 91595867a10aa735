import type { TimeRange } from '@/lib/analytics/range';
import { Stat } from '@/components/ui/card';
import { formatDuration, formatPercent } from '@/lib/ui/format';
import { getRecoveryStats } from './recovery-stats';
import { loadOrError } from './widget-error';

export async function MethodStatsCards({ range }: { range: TimeRange }) {
  const result = await loadOrError(() => getRecoveryStats(range));
  if (!('byMethod' in result)) return result;
  const stats = result.byMethod;
  const order = ['all', 'manual', 'automatic'];
  const rows = order.map((m) => stats.find((s) => s.method === m)).filter((s) => s !== undefined);
  return (
    <div className="grid gap-4 sm:grid-cols-3" role="group" aria-label="Recovery success by method">
      {rows.map((s) => (
        <Stat
          key={s.method}
          label={s.method === 'all' ? 'Success rate (all)' : `Success rate (${s.method})`}
          value={formatPercent(s.successRate)}
          hint={`${s.succeeded} ok · ${s.failed} failed · ${s.abandoned} abandoned · ${s.inProgress} running · mean ${formatDuration(s.meanDurationSeconds)}`}
        />
      ))}
    </div>
  );
}
