'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, useTransition } from 'react';
import { useLiveInvalidation } from '@/components/live/use-live-invalidation';
import { formatAgo } from '@/lib/format/time';
import { Nav } from './nav';
import { markNotificationsReadAction } from './notification-actions';

type Summary = { activeInterventions: number; unreadNotifications: number };
type Notice = { id: number; title: string; body: string | null; pausedSessionId: string | null; checklistId?: string | null; read: boolean; createdAt: string };

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json() as Promise<T>;
}

/**
 * The navigation with live counters: the Interventions badge and the notification bell. Server-rendered values
 * seed the queries; live events invalidate them and the QueryClient's refetchInterval is the polling fallback.
 */
export function LiveNav({ role, initial }: { role: string; initial: Summary }) {
  useLiveInvalidation({ queryKeys: [['live-summary'], ['notifications']] });
  const summary = useQuery({ queryKey: ['live-summary'], queryFn: () => getJson<Summary>('/api/live/summary'), initialData: initial });
  const counts = summary.data ?? initial;
  return (
    <>
      <Nav role={role} badges={{ '/interventions': counts.activeInterventions }} />
      <NotificationBell unread={counts.unreadNotifications} />
    </>
  );
}

function NotificationBell({ unread }: { unread: number }) {
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['notifications'],
    queryFn: () => getJson<{ notifications: Notice[] }>('/api/notifications'),
    enabled: open,
  });
  const markRead = (ids?: number[]) =>
    startTransition(async () => {
      await markNotificationsReadAction({ ids });
      await queryClient.invalidateQueries({ queryKey: ['notifications'] });
      await queryClient.invalidateQueries({ queryKey: ['live-summary'] });
    });
  return (
    <div className="mt-4 px-1">
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-label={`Notifications, ${unread} unread`}
        className="flex w-full items-center justify-between rounded-md px-2 py-2 text-sm font-medium text-slate-300 hover:bg-slate-800/60 hover:text-white"
      >
        <span className="flex items-center gap-2">
          <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="h-4 w-4">
            <path d="M10 2a6 6 0 0 0-6 6v3.59l-1.7 1.7A1 1 0 0 0 3 15h14a1 1 0 0 0 .7-1.71L16 11.59V8a6 6 0 0 0-6-6Zm0 16a3 3 0 0 1-2.83-2h5.66A3 3 0 0 1 10 18Z" />
          </svg>
          Notifications
        </span>
        {unread > 0 && (
          <span data-testid="unread-count" className="rounded-full bg-red-500 px-1.5 py-0.5 text-xs font-semibold text-white tabular-nums">
            {unread}
          </span>
        )}
      </button>
      {open && (
        <div role="region" aria-label="Notifications" className="mt-1 max-h-80 overflow-y-auto rounded-md bg-slate-800 p-2 text-xs text-slate-200">
          {list.isPending ? (
            <p className="p-2 text-slate-400">Loading…</p>
          ) : list.isError ? (
            <p className="p-2 text-red-300">Could not load notifications.</p>
          ) : list.data.notifications.length === 0 ? (
            <p className="p-2 text-slate-400">
              Nothing yet. Choose what to hear about in <Link href="/settings/notifications" className="underline">Settings</Link>.
            </p>
          ) : (
            <>
              <ul className="space-y-1">
                {list.data.notifications.map((n) => (
                  <li key={n.id} className={n.read ? 'rounded p-1.5 opacity-60' : 'rounded bg-slate-700/60 p-1.5'}>
                    <Link href={n.checklistId ? `/checklists/${n.checklistId}` : '/interventions'} className="font-medium hover:underline" onClick={() => !n.read && markRead([n.id])}>
                      {n.title}
                    </Link>
                    {n.body && <div className="text-slate-400">{n.body}</div>}
                    <div className="text-slate-500">{formatAgo(n.createdAt)}</div>
                  </li>
                ))}
              </ul>
              {unread > 0 && (
                <button type="button" disabled={pending} onClick={() => markRead()} className="mt-2 w-full rounded bg-slate-700 py-1 hover:bg-slate-600">
                  {pending ? 'Marking…' : 'Mark all read'}
                </button>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
