'use client';
import { useLiveInvalidation } from './use-live-invalidation';

/** Drop into a server-rendered page to re-render it when something changes (live, with polling as fallback). */
export function LiveRefresh({ label = 'Live' }: { label?: string }) {
  const { connected } = useLiveInvalidation({ refresh: true });
  return (
    <span
      role="status"
      aria-label={connected ? `${label}: connected` : `${label}: polling`}
      className="inline-flex items-center gap-1.5 text-xs text-slate-500"
    >
      <span className={connected ? 'h-2 w-2 rounded-full bg-emerald-500' : 'h-2 w-2 rounded-full bg-slate-300'} />
      {connected ? 'Live' : 'Polling'}
    </span>
  );
}
