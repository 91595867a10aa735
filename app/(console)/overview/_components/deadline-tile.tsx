import Link from 'next/link';
import { getReadDb } from '@/lib/db/replica';
import { countPausesPastDeadline } from '@/lib/interventions/deadlines';
import { safeLoad, WidgetError } from './widget';

/**
 * Pauses past deadline, right now: open pauses whose escalation policy's first step is due (lib/escalation). A
 * figure at this moment, not over the range, so it stands beside the range's key figures rather than in them.
 */
export async function PastDeadlineTile() {
  const r = await safeLoad('past-deadline', async () => countPausesPastDeadline(await getReadDb()));
  if (!r.ok) return <WidgetError title="Pauses past deadline" />;
  return (
    <div role="group" aria-label="Pauses past deadline" className="mt-4 flex flex-wrap items-baseline gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">Pauses past deadline</div>
      <div className={`text-2xl font-semibold tabular-nums ${r.value > 0 ? 'text-red-700' : 'text-slate-900'}`}>{r.value}</div>
      <div className="text-xs text-slate-500">open now, whatever the range: their escalation policy&rsquo;s first step is due</div>
      <Link href="/interventions?sort=deadline" prefetch={false} className="ml-auto text-sm font-medium text-indigo-700 hover:underline">
        Inbox by deadline →
      </Link>
    </div>
  );
}
