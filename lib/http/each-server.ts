import { subscribe } from 'node:diagnostics_channel';
import type { Server } from 'node:http';

/**
 * Calls `apply` once for every HTTP server of this process, on its first request, before the server emits
 * `request`: `next start` creates its server itself, and Node's `http.server.request.start` diagnostics channel is
 * where it is handed to us. Used by the agent fast path (./fast-path.ts) and the keep-alive time (./keep-alive.ts).
 */
export function onEachServer(apply: (server: Server) => void) {
  const seen = new WeakSet<Server>();
  subscribe('http.server.request.start', (message) => {
    const { server } = message as { server?: Server };
    if (!server || seen.has(server)) return;
    seen.add(server);
    apply(server);
  });
}
