'use client';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';

/**
 * Live updates for any console page: one EventSource per tab on /api/live (server-sent events fed by Postgres
 * LISTEN/NOTIFY, or the in-process bus on PGlite), shared by every component using this hook. On an event the
 * hook invalidates the given React Query keys and, with `refresh`, re-renders the server components
 * (router.refresh). While the stream is down it polls instead, so a page is never silently stale.
 */
export type LiveEvent = { topic: string; sessionId?: string };
type Listener = (e: LiveEvent) => void;

const listeners = new Set<Listener>();
const statusListeners = new Set<(connected: boolean) => void>();
let source: EventSource | null = null;
let connected = false;

function setConnected(v: boolean) {
  connected = v;
  for (const l of statusListeners) l(v);
}

function open() {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/live');
  source.onopen = () => setConnected(true);
  // EventSource reconnects by itself (the server sends `retry:`); until then the hooks poll.
  source.onerror = () => setConnected(false);
  source.onmessage = (m) => {
    try {
      const e = JSON.parse(m.data) as LiveEvent;
      for (const l of listeners) l(e);
    } catch {
      /* a malformed event is ignored; the next one or the poll catches up */
    }
  };
}

function close() {
  if (listeners.size || !source) return;
  source.close();
  source = null;
  setConnected(false);
}

export function useLiveInvalidation(
  options: { queryKeys?: QueryKey[]; refresh?: boolean; pollMs?: number; debounceMs?: number; enabled?: boolean } = {},
) {
  const { refresh = false, pollMs = 10_000, debounceMs = 250, enabled = true } = options;
  const queryClient = useQueryClient();
  const router = useRouter();
  const [isConnected, setIsConnected] = useState(connected);
  const keys = useRef(options.queryKeys ?? []);
  useEffect(() => {
    keys.current = options.queryKeys ?? [];
  });

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const apply = () => {
      for (const key of keys.current) void queryClient.invalidateQueries({ queryKey: key });
      if (refresh) router.refresh();
    };
    // Several events in a burst (a bulk resume, or NOTIFY plus the bus) become one refresh.
    const onEvent: Listener = () => {
      clearTimeout(timer);
      timer = setTimeout(apply, debounceMs);
    };
    listeners.add(onEvent);
    statusListeners.add(setIsConnected);
    open();
    return () => {
      clearTimeout(timer);
      listeners.delete(onEvent);
      statusListeners.delete(setIsConnected);
      close();
    };
  }, [enabled, refresh, debounceMs, queryClient, router]);

  useEffect(() => {
    if (!enabled || isConnected || !refresh || !pollMs) return;
    const t = setInterval(() => router.refresh(), pollMs);
    return () => clearInterval(t);
  }, [enabled, isConnected, refresh, pollMs, router]);

  return { connected: isConnected };
}
