import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '@/lib/env';
import { bareObserver, observerFor, type DbObserver } from './observer';
import { acquireDataDirLock } from './pglite-lock';
import { retryRecorder } from './retry';
import * as schema from './schema';

/**
 * The one place that creates a database handle. Without DATABASE_URL it is an embedded PGlite under
 * ./.data (a "pool" of one connection); with it, a postgres.js pool. Domain code only sees `Db`, the Drizzle
 * query builder, which is the same for both.
 */
export type Db = PostgresJsDatabase<typeof schema>;

export type DbHandle = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The raw postgres.js client when kind = 'postgres': bypasses the observer (LISTEN/NOTIFY, admin work). */
  sql?: postgres.Sql;
  pglite?: PGlite;
  poolSize: number;
  label: string;
  /**
   * What watches this handle (lib/db/observer.ts): the pool and query monitor lib/observability installs at
   * start-up (read it with `monitorOf(handle)`), or the bare driver.
   */
  observer: DbObserver;
  /** Writes the per-minute retry and monitor roll-ups now (also runs on a timer and at close). Never throws. */
  flushMetrics(options?: { includeCurrent?: boolean }): Promise<void>;
  close(): Promise<void>;
};

export type CreateDbOptions = {
  /** postgres:// URL; when absent, PGlite. */
  url?: string;
  /** PGlite folder, or 'memory://' for a throwaway in-memory database. */
  dataDir?: string;
  poolMax?: number;
  applicationName?: string;
  /** Overrides of the observer's thresholds (defaults from DB_ACQUIRE_TIMEOUT_MS, DB_SLOW_QUERY_MS, DB_LEAK_THRESHOLD_MS). */
  acquireTimeoutMs?: number;
  slowQueryMs?: number;
  leakThresholdMs?: number;
  /** How often roll-ups are written; 0 = only on flushMetrics() and close(). Default 15 s. */
  metricsFlushMs?: number;
  /** false = bare Drizzle on the bare driver, no observer: no semaphore, timing or retry (benchmarks only). */
  instrument?: boolean;
};

/** Starts the roll-up timer and returns flush/close helpers shared by both drivers. */
function withMetrics(
  db: Db,
  observer: DbObserver,
  options: CreateDbOptions,
  closeDriver: () => Promise<void>,
): Pick<DbHandle, 'flushMetrics' | 'close'> {
  const flushMetrics = async (o: { includeCurrent?: boolean } = {}) => {
    try {
      await retryRecorder().flush(db);
      await observer.flush(db, o);
    } catch {
      // roll-ups are best effort; they never break a caller
    }
  };
  const every = options.metricsFlushMs ?? 15_000;
  const timer = every > 0 && options.instrument !== false ? setInterval(() => void flushMetrics(), every) : null;
  timer?.unref();
  let closing: Promise<void> | undefined;
  return {
    flushMetrics,
    close: () =>
      (closing ??= (async () => {
        if (timer) clearInterval(timer);
        if (options.instrument !== false) {
          // A dead server must not hold shut-down: give the final roll-up two seconds.
          await Promise.race([
            flushMetrics({ includeCurrent: true }),
            new Promise((r) => setTimeout(r, 2000).unref()),
          ]);
        }
        await closeDriver();
      })()),
  };
}

export function redactUrl(url: string) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(malformed URL)';
  }
}

export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  const e = env();
  if (options.url) {
    const max = options.poolMax ?? e.DB_POOL_MAX;
    const sql = postgres(options.url, {
      max,
      // One statement per connection at a time: a query pipelined behind a busy connection would inherit its
      // latency and escape our acquisition timeout; instead it waits in the monitor's queue. Not 0: with 0,
      // postgres.js 3.4 never calls `onexecute` for BEGIN, so sql.begin does not reserve its connection and
      // fails with UNSAFE_TRANSACTION. With 1 and our semaphore of pool size, the driver always has a free
      // connection for a statement. (The option is in the driver but not in its type definitions.)
      ...({ max_pipeline: 1 } as postgres.Options<Record<string, never>>),
      connect_timeout: e.DB_CONNECT_TIMEOUT_S,
      // Our schema has no custom array types. And after a backend is killed, postgres.js rejects its internal
      // type-fetching query on reconnect with the stale 57P01, which nobody awaits: an unhandled rejection.
      fetch_types: false,
      idle_timeout: 60,
      max_lifetime: 60 * 30,
      onnotice: () => {},
      connection: {
        application_name: options.applicationName ?? 'flightdeck',
        statement_timeout: e.DB_STATEMENT_TIMEOUT_MS,
        idle_in_transaction_session_timeout: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      },
    });
    const label = redactUrl(options.url);
    const observer = newObserver('postgres', label, max, options);
    const db =
      observer === bareObserver
        ? drizzlePostgres(sql, { schema })
        : (drizzlePostgres({ client: observer.wrapPostgres(sql), schema }) as Db);
    return {
      db,
      kind: 'postgres',
      sql,
      poolSize: max,
      label,
      observer,
      ...withMetrics(db, observer, options, () => sql.end({ timeout: 5 })),
    };
  }
  const dataDir = options.dataDir ?? e.PGLITE_DATA_DIR;
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : acquireDataDirLock(dataDir);
  let pglite: PGlite;
  try {
    pglite = new PGlite(inMemory ? undefined : dataDir);
    await pglite.waitReady;
  } catch (err) {
    release();
    throw err;
  }
  const label = inMemory ? 'PGlite (in memory)' : `PGlite at ${dataDir}`;
  const observer = newObserver('pglite', label, 1, options);
  const client = observer.wrapPglite(pglite);
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite,
    poolSize: 1,
    label,
    observer,
    ...withMetrics(db, observer, options, async () => {
      try {
        await pglite.close();
      } finally {
        release();
      }
    }),
  };
}

function newObserver(driver: DbHandle['kind'], label: string, poolSize: number, options: CreateDbOptions) {
  if (options.instrument === false) return bareObserver;
  const { acquireTimeoutMs, slowQueryMs, leakThresholdMs } = options;
  return observerFor({ driver, label, poolSize, acquireTimeoutMs, slowQueryMs, leakThresholdMs });
}

const globalForDb = globalThis as unknown as { __flightdeckDb?: Promise<DbHandle> };

/** The process-wide handle, created on first use from the environment and cached across hot reloads. */
export function getDbHandle(): Promise<DbHandle> {
  globalForDb.__flightdeckDb ??= createDb({ url: env().DATABASE_URL }).catch((err) => {
    globalForDb.__flightdeckDb = undefined;
    throw err;
  });
  return globalForDb.__flightdeckDb;
}

/** Tests that call route handlers directly point the process-wide handle at their throwaway database. */
export function setDbHandleForTests(handle: DbHandle | undefined) {
  globalForDb.__flightdeckDb = handle ? Promise.resolve(handle) : undefined;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** The part of Drizzle's database object that `db.execute` itself uses (marked internal in its types). */
type DrizzleInternals = {
  session: { prepareQuery(query: unknown, fields: undefined, name: string, arrayMode: boolean): { execute(): Promise<unknown> } };
  dialect: { sqlToQuery(query: SQL): unknown };
};

/**
 * Rows of a raw SQL statement, whichever driver runs (postgres.js returns an array, PGlite `{ rows }`).
 *
 * `prepare: true` sends it as a named prepared statement (postgres.js `prepare`; PGlite ignores it): each pooled
 * connection parses it once and, after five executions, Postgres may reuse a generic plan instead of planning
 * every call. For hot read-only statements whose planning costs more than their execution — the Overview/Tools
 * roll-up reads plan a UNION of day and hour scans for a few hundred rows. Keep the statement's text stable (values
 * as parameters): each distinct text is one more statement cached per connection.
 */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL, options: { prepare?: boolean } = {}): Promise<T[]> {
  let result: unknown;
  if (options.prepare) {
    const { session, dialect } = db as unknown as DrizzleInternals;
    result = await session.prepareQuery(dialect.sqlToQuery(query), undefined, 'fd', false).execute();
  } else {
    result = await db.execute(query);
  }
  const rows = result as T[] | { rows: T[] };
  return Array.isArray(rows) ? rows : rows.rows;
}
