import type { PGlite } from '@electric-sql/pglite';
import type postgres from 'postgres';
import type { Db } from './client';

/**
 * What watches a database handle: it wraps the driver (the pool queue with its acquisition timeout, per-statement
 * timing, the retry of idempotent statements) and writes its per-minute roll-ups. lib/db knows only this shape;
 * lib/observability installs the real one at start-up (`installDbObservability`: lib/server/startup.ts, the
 * scripts' runCli, the test setup), so the infrastructure never imports what watches it.
 *
 * Without one installed, a handle runs on the bare driver: no pool queue, no timing, no statement retry.
 */
export type DbObserver = {
  wrapPostgres(sql: postgres.Sql): postgres.Sql;
  wrapPglite(pglite: PGlite): PGlite;
  /** Writes the roll-ups collected so far (with `includeCurrent`, the minute in progress too). Never throws. */
  flush(db: Db, options?: { includeCurrent?: boolean }): Promise<unknown>;
};

/** What the factory is told about a new handle; the thresholds are the caller's overrides of the environment. */
export type DbObserverInfo = {
  driver: 'pglite' | 'postgres';
  label: string;
  poolSize: number;
  acquireTimeoutMs?: number;
  slowQueryMs?: number;
  leakThresholdMs?: number;
};

export type DbObserverFactory = (info: DbObserverInfo) => DbObserver;

/** The bare driver: what a handle gets with `instrument: false` or when no observer is installed. */
export const bareObserver: DbObserver = {
  wrapPostgres: (sql) => sql,
  wrapPglite: (pglite) => pglite,
  flush: async () => undefined,
};

// On globalThis: Next.js may load this module once for instrumentation.ts and again for the route bundles.
const registry = globalThis as unknown as { __flightdeckDbObserver?: DbObserverFactory };

/** Installs (or, with undefined, removes) the factory every later createDb() asks for its handle's observer. */
export function setDbObserverFactory(factory: DbObserverFactory | undefined) {
  registry.__flightdeckDbObserver = factory;
}

export function observerFor(info: DbObserverInfo): DbObserver {
  return registry.__flightdeckDbObserver?.(info) ?? bareObserver;
}
