import type { Server } from 'node:http';
import { onEachServer } from './each-server';

/**
 * How long the HTTP server keeps an idle keep-alive connection open (HTTP_KEEP_ALIVE_TIMEOUT_S, default 65 s).
 *
 * Node's default is 5 s. An agent heart-beats every 10–30 s, so with 5 s each beat finds its connection closed and
 * opens a new one, and a client that sends on a connection at the moment the server closes it gets ECONNRESET (the
 * keep-alive race; `npm run bench:fleet` counted it as errors at 3,000 agents). Behind a load balancer the rule is
 * the same: the server must keep idle connections longer than the balancer does (60 s for most), so that the
 * balancer, not the server, closes them. headersTimeout is kept above the keep-alive time, as Node requires for
 * the idle time to hold.
 *
 * `next start` creates the server itself; like the fast path, the setting is applied on the server's first request
 * (./each-server.ts). Node reads keepAliveTimeout each time a response finishes, so the first connection already
 * gets it.
 */
export function applyKeepAlive(server: Server, timeoutMs: number) {
  server.keepAliveTimeout = timeoutMs;
  if (server.headersTimeout <= timeoutMs) server.headersTimeout = timeoutMs + 1000;
}

const g = globalThis as unknown as { __flightdeckKeepAlive?: { ms: number } };

/** Installs (or changes) the keep-alive time applied to every HTTP server of this process; idempotent. */
export function installKeepAlive(timeoutMs: number) {
  if (g.__flightdeckKeepAlive) {
    g.__flightdeckKeepAlive.ms = timeoutMs;
    return;
  }
  const state = { ms: timeoutMs };
  g.__flightdeckKeepAlive = state;
  onEachServer((server) => applyKeepAlive(server, state.ms));
}
