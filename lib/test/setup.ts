import { AsyncLocalStorage } from 'node:async_hooks';

// Vitest setupFiles: runs in every test file's worker before the file, as lib/server/startup.ts does in the server.
// Next's server puts AsyncLocalStorage on globalThis before its request stores load (the monitor reads one to name
// the route of a query); do the same before importing the monitor.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
const { installDbObservability } = await import('@/lib/observability/install');
installDbObservability();
