'use client';
import { useIsFetching, type UseQueryResult } from '@tanstack/react-query';
import { WidgetError, WidgetSkeleton, StaleNote } from './widget';
import { LIVE_INTERVAL_MS, type Loaded } from './use-database-stats';

/**
 * Renders a card from a live query: the data when there is some (with a note if the last refresh failed), the
 * error in place when there is none, a skeleton while the first client fetch runs.
 */
export function LiveBody<T>({
  title,
  query,
  first,
  children,
}: {
  title: string;
  query: UseQueryResult<T>;
  first: Loaded<unknown>;
  children: (data: T) => React.ReactNode;
}) {
  if (query.data === undefined) {
    if (query.isError) return <WidgetError title={title} message={query.error.message} />;
    if (!first.ok && !query.isFetching) return <WidgetError title={title} message={first.error} />;
    return <WidgetSkeleton title={title} />;
  }
  return (
    <>
      {query.isError && <StaleNote error={query.error} updatedAt={query.dataUpdatedAt} />}
      {children(query.data)}
    </>
  );
}

export function LiveIndicator() {
  const fetching = useIsFetching({ queryKey: ['database'] });
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-slate-500" title={`Refreshes every ${LIVE_INTERVAL_MS / 1000} s`}>
      <span className={`h-2 w-2 rounded-full ${fetching ? 'bg-indigo-500' : 'bg-emerald-500'} animate-pulse`} aria-hidden />
      Live · every {LIVE_INTERVAL_MS / 1000} s
    </span>
  );
}
