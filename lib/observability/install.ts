import type postgres from 'postgres';
import type { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from '@/lib/db/client';
import { setDbObserverFactory, type DbObserver, type DbObserverInfo } from '@/lib/db/observer';
import { env } from '@/lib/env';
import { monitorPglite, monitorPostgres } from './instrument';
import { DbMonitor } from './monitor';

/** The observer this module installs: the driver wrappers of instrument.ts over one DbMonitor. */
export type MonitoredObserver = DbObserver & { monitor: DbMonitor };

export function monitoredObserver(info: DbObserverInfo): MonitoredObserver {
  const e = env();
  const monitor = new DbMonitor({
    driver: info.driver,
    label: info.label,
    poolSize: info.poolSize,
    acquireTimeoutMs: info.acquireTimeoutMs ?? e.DB_ACQUIRE_TIMEOUT_MS,
    slowQueryMs: info.slowQueryMs ?? e.DB_SLOW_QUERY_MS,
    leakThresholdMs: info.leakThresholdMs ?? e.DB_LEAK_THRESHOLD_MS,
  });
  return {
    monitor,
    wrapPostgres: (sql) => monitorPostgres(sql, monitor) as unknown as postgres.Sql,
    wrapPglite: (pglite) => monitorPglite(pglite, monitor) as unknown as PGlite,
    flush: (db, options) => monitor.flush(db, options),
  };
}

/**
 * Start-up: every database handle created after this runs behind the pool monitor (queue, timing, retry).
 * Called by lib/server/startup.ts, scripts/cli.ts and the test setup; calling it again changes nothing.
 */
export function installDbObservability() {
  setDbObserverFactory(monitoredObserver);
}

/**
 * The pool and query monitor of a handle. Read by property, not instanceof: Next.js may load this module once
 * for instrumentation.ts (which installed the factory) and again for the route that asks.
 */
export function monitorOf(handle: DbHandle): DbMonitor {
  const monitor = (handle.observer as Partial<MonitoredObserver>).monitor;
  if (!monitor) {
    throw new Error(`${handle.label} runs without the pool monitor: installDbObservability() was not called at start-up`);
  }
  return monitor;
}
