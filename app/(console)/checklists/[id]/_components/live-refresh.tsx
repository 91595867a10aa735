'use client';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

// Ticks from other people should show within a few seconds; the version route reads one row, so 3 s is cheap.
const POLL_MS = 3_000;

/**
 * Polls the checklist's updated_at and re-renders the server page when someone else changed it. Only a newer
 * value refreshes: right after our own action the page is already newer than the last poll.
 */
export function LiveRefresh({ checklistId, updatedAt }: { checklistId: string; updatedAt: string }) {
  const router = useRouter();
  const { data, isError } = useQuery({
    queryKey: ['checklist-version', checklistId],
    queryFn: async ({ signal }) => {
      const res = await fetch(`/checklists/${checklistId}/version`, { signal, cache: 'no-store' });
      if (!res.ok) throw new Error(`version check failed: ${res.status}`);
      return (await res.json()) as { updatedAt: string; status: string };
    },
    refetchInterval: POLL_MS,
    staleTime: 0,
  });
  const remote = data?.updatedAt;
  useEffect(() => {
    if (remote && remote > updatedAt) router.refresh();
  }, [remote, updatedAt, router]);
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-slate-500" aria-live="polite">
      <span className={`h-2 w-2 rounded-full ${isError ? 'bg-amber-400' : 'bg-emerald-500'}`} aria-hidden />
      {isError ? 'Live updates paused' : 'Live'}
    </span>
  );
}
