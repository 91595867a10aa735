import { AsyncLocalStorage } from 'node:async_hooks';
import { expect, it } from 'vitest';

/**
 * The Database page's "code that issued it". In the production build a stack frame names a minified chunk, so the
 * monitor also keeps the page or route handler that was running (Next's request store). Next installs
 * AsyncLocalStorage on globalThis before its stores are made; this file does the same, then imports.
 */
it('names the route instead of a minified chunk, and keeps source frames where there are some', async () => {
  (globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage = AsyncLocalStorage;
  const { workAsyncStorage } = await import('next/dist/server/app-render/work-async-storage.external');
  const { DbMonitor } = await import('./monitor');
  const { templateOf } = await import('./query-template');
  const m = new DbMonitor({ driver: 'postgres', label: 't', poolSize: 2, acquireTimeoutMs: 1000, slowQueryMs: 100, leakThresholdMs: 60_000 });
  const built = new Error('query');
  built.stack = 'Error: query\n    at a (/srv/app/.next/server/chunks/ssr/[root-of-the-server]__1f2e3d._.js:1:2345)\n    at async b (/srv/app/.next/server/chunks/ssr/x_9a8b._.js:3:77)';
  const inPage = templateOf('select id from agent_sessions where id = $1');
  const inRoute = templateOf('select id from paused_sessions where id = $1');
  const inJob = templateOf('select id from events where id = $1');
  const run = (route: string, f: () => void) => (workAsyncStorage as unknown as AsyncLocalStorage<{ route: string }>).run({ route }, f);
  run('/overview', () => m.recordQuery(inPage, 5, false, built));
  const copy = new Error('query');
  copy.stack = built.stack;
  run('/api/v1/events', () => m.recordQuery(inRoute, 5, false, copy));
  const job = new Error('query');
  job.stack = built.stack;
  m.recordQuery(inJob, 5, false, job);
  const callerOf = (hash: string) => m.topTemplates().find((t) => t.hash === hash)?.caller;
  expect(callerOf(inPage.hash)).toBe('page /overview');
  expect(callerOf(inRoute.hash)).toBe('route handler /api/v1/events');
  expect(callerOf(inJob.hash)).toBe('a background job (built code: no source names)');
  const source = templateOf('select id from checkpoints where id = $1');
  run('/sessions', () => m.recordQuery(source, 5, false, new Error('query')));
  expect(callerOf(source.hash)).toMatch(/monitor-caller\.test\.ts.* · \/sessions$/);
});
