import { getRollupFreshness } from '@/lib/analytics/rollup-state';
import { getReadDb } from '@/lib/db/replica';
import { env } from '@/lib/env';
import { formatDateTimeSeconds, formatTimeOfDay } from '@/lib/format/time';

/**
 * "Figures as of 14:05:10 UTC, refreshed every 10 s.": the roll-ups behind Overview and Tools are caught up by the
 * background job (lib/server/jobs.ts), never by the page request, so the page says how fresh they are.
 */
export async function FiguresAsOf() {
  const { asOf } = await getRollupFreshness(await getReadDb());
  const every = `refreshed every ${Math.round(env().ROLLUP_REFRESH_INTERVAL_MS / 1000)} s`;
  const today = asOf && asOf.toISOString().slice(0, 10) === new Date().toISOString().slice(0, 10);
  const text = asOf
    ? `Figures as of ${today ? formatTimeOfDay(asOf) : formatDateTimeSeconds(asOf)}, ${every}.`
    : `Figures not computed yet, ${every}.`;
  return (
    <p className="-mt-4 mb-4 text-xs text-slate-500" data-testid="figures-as-of">
      {text}
    </p>
  );
}
