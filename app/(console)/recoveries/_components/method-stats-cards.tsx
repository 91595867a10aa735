import { Stat } from '@/components/ui/card';
import { recoveryStatsByMethod } from '@/lib/checkpoints/queries';
import { getDb } from '@/lib/db/client';
import { formatDuration, formatPercent } from '@/lib/ui/format';
import { loadOrError } from './widget-error';

export async function MethodStatsCards({ days }: { days: number }) {
  const stats = await loadOrError(async () => recoveryStatsByMethod(await getDb(), { days }));
  if (!Array.isArray(stats)) return stats;
  const order = ['all', 'manual', 'automatic'];
  const rows = order.map((m) => stats.find((s) => s.method === m)).filter((s) => s !== undefined);
  return (
    <div className="grid gap-4 sm:grid-cols-3" aria-label="Recovery success by method">
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
