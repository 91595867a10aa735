'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { DatabaseStats, HealthReport, QueryStats } from '@/lib/observability/stats';

/**
 * The Database page's live data: the same JSON endpoints scrapers use, polled every 5 s with the session
 * cookie. Cards share a query key, so one request feeds every card that shows the same figures. The server
 * render hands over its first load (`initial`) so the page is complete before any client fetch.
 */
export const LIVE_INTERVAL_MS = 5_000;

export type Loaded<T> = { ok: true; data: T; at: number } | { ok: false; error: string; at: number };

async function getJson<T>(url: string, acceptStatus: number[] = []): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!res.ok && !acceptStatus.includes(res.status)) {
    throw new Error(body?.error?.message ?? `${url} answered ${res.status}`);
  }
  if (!body) throw new Error(`${url} answered without a body`);
  return body;
}

function seed<T>(initial: Loaded<T> | undefined) {
  return initial?.ok ? { initialData: initial.data, initialDataUpdatedAt: initial.at } : {};
}

export function useHealth(initial?: Loaded<HealthReport>) {
  return useQuery({
    queryKey: ['database', 'health'],
    // 503 is the endpoint saying "unavailable": that is the verdict to show, not a failed fetch.
    queryFn: () => getJson<HealthReport>('/api/health', [503]),
    refetchInterval: LIVE_INTERVAL_MS,
    ...seed(initial),
  });
}

export function useDatabaseStats(sinceMinutes: number, initial?: Loaded<DatabaseStats>) {
  return useQuery({
    queryKey: ['database', 'stats', sinceMinutes],
    queryFn: () => getJson<DatabaseStats>(`/api/metrics/database?sinceMinutes=${sinceMinutes}`),
    refetchInterval: LIVE_INTERVAL_MS,
    placeholderData: keepPreviousData,
    ...seed(initial),
  });
}

export type TemplateOrder = 'total' | 'mean' | 'p95' | 'count' | 'errors';

export function useQueryStats(orderBy: TemplateOrder = 'total', initial?: Loaded<QueryStats>) {
  return useQuery({
    queryKey: ['database', 'queries', orderBy],
    queryFn: () => getJson<QueryStats>(`/api/metrics/queries?limit=20&orderBy=${orderBy}`),
    refetchInterval: LIVE_INTERVAL_MS,
    // Re-sorting keeps the table on screen until the new order arrives.
    placeholderData: keepPreviousData,
    ...(orderBy === 'total' ? seed(initial) : {}),
  });
}
