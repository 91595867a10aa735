import { QueryClient } from '@tanstack/react-query';

/** React Query defaults for the console, in one place. */
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Server components render fresh data; a client re-fetch within 5 s of that adds nothing.
        staleTime: 5_000,
        // Live parts poll as a fallback when the event stream is down; the stream invalidates sooner.
        refetchInterval: 15_000,
        // An operator switching back to the tab wants the current state, not what was there an hour ago.
        refetchOnWindowFocus: true,
        // One retry smooths over a deploy or a blip; more would hide a real outage behind spinners.
        retry: 1,
      },
      mutations: { retry: 0 },
    },
  });
}
